"""The pages the knowledge base does not hold, read by the search: which first entries are checked, with which lead."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session, sessionmaker

from knowledge_base.decision import ELSEWHERE_LEAD, ELSEWHERE_WRITTEN_LEAD, NO_KEY_RULE, Thresholds
from knowledge_base.hashing_encoder import HashingEncoder
from knowledge_base.national_pages import NationalPages, Page
from knowledge_base.pages_elsewhere import EntryKind, PagesElsewhere, kind_of
from knowledge_base.service import KnowledgeBase
from knowledge_base.validation import EntryData
from knowledge_base.yaml_files import import_path

THREE = ("a ?", "b ?", "c ?")


def entry(entry_id: str, *, source: str | None = None, variants: tuple[str, ...] = (),
          url: str | None = None) -> EntryData:
    return EntryData(id=entry_id, question="Question ?", answer="Réponse.", department="travail", source=source,
                     variants=list(variants), url=url)


def two_pages() -> NationalPages:
    return NationalPages([Page("F1", "un", "", "u1"), Page("F2", "deux", "", "u2")], np.eye(2, dtype=np.float32))


def test_the_kind_of_entry_says_which_lead_is_asked() -> None:
    assert kind_of(entry("sp-f1", source="service-public.fr:F1")) is EntryKind.BARE
    assert kind_of(entry("sp-f1", source="service-public.fr:F1", variants=THREE[:2])) is EntryKind.BARE
    assert kind_of(entry("sp-f1", source="service-public.fr:F1", variants=THREE)) is EntryKind.WRITTEN
    assert kind_of(entry("piscine", variants=THREE)) is EntryKind.WRITTEN
    assert kind_of(entry("piscine")) is None  # a city's entry without variants: not measured, not checked


def test_the_pages_held_are_left_out_and_each_kind_gets_its_lead() -> None:
    elsewhere = PagesElsewhere()
    elsewhere.pages = two_pages()
    bare = entry("sp-f1", source="service-public.fr:F1")
    written = entry("passeport", variants=THREE)
    city = entry("piscine")
    for item in (bare, written, city):
        elsewhere.put(item)
    query, passage = np.array([0.6, 0.8], dtype=np.float32), np.array([1.0, 0.0], dtype=np.float32)
    found = elsewhere.elsewhere(bare, query, passage)
    assert found is not None and found[0] is EntryKind.BARE and found[2].id == "F2"  # F1 is held
    assert found[1] == pytest.approx(0.2)
    found = elsewhere.elsewhere(written, query, passage)
    assert found is not None and found[0] is EntryKind.WRITTEN and found[2].id == "F2"
    assert elsewhere.elsewhere(city, query, passage) is None
    elsewhere.put(entry("passeport", variants=THREE, url="https://www.service-public.fr/particuliers/vosdroits/F2"))
    assert elsewhere.elsewhere(written, query, passage) is None  # its link holds F2 now: no page left
    elsewhere.remove("sp-f1")
    assert elsewhere.elsewhere(bare, query, passage) is None  # no longer indexed
    found = elsewhere.elsewhere(written, query, passage)
    assert found is not None and found[2].id == "F1"  # F1 not held any more


def test_no_entry_to_check_reads_no_page() -> None:
    elsewhere = PagesElsewhere()
    elsewhere.put(entry("piscine"))
    assert not elsewhere.needs_pages
    elsewhere.put(entry("passeport", variants=THREE))
    assert elsewhere.needs_pages
    elsewhere.remove("passeport")
    assert not elsewhere.needs_pages


FICHE = """\
entries:
  - id: sp-f2931
    question: "A-t-on droit à des congés payés pendant un CDD ?"
    answer: "Le salarié en CDD bénéficie des mêmes droits à congés payés que le salarié en CDI."
    department: solidarites
    source: "service-public.fr:F2931"
"""

WRITTEN = """\
entries:
  - id: elections-assesseur
    question: "Comment devenir assesseur dans un bureau de vote ?"
    answer: "Inscrivez-vous auprès du service des élections : les assesseurs tiennent les bureaux de vote."
    department: elections
    variants: ["Je veux tenir un bureau de vote", "Être assesseur aux élections", "Participer au dépouillement"]
"""

ANSWER_ALL = Thresholds(answer_score=-1.0, answer_margin=-1.0, clarify_score=-1.0, answer_gap=-2.0, clarify_gap=-2.0,
                        elsewhere_lead=ELSEWHERE_LEAD, elsewhere_written_lead=ELSEWHERE_WRITTEN_LEAD)


def knowledge_base_with(factory: sessionmaker[Session], folder: Path, text: str,
                        encoder: HashingEncoder) -> KnowledgeBase:
    path = folder / "faq.yml"
    path.write_text(text, encoding="utf-8")
    assert import_path(factory, path, actor="test").ok
    knowledge_base = KnowledgeBase(encoder=encoder, session_factory=factory, dim=encoder.dim, sync_seconds=-1,
                                   thresholds=ANSWER_ALL)
    knowledge_base.load()
    return knowledge_base


@pytest.mark.parametrize(("faq", "near_miss", "first", "own_question", "signal", "lead", "other"), [
    pytest.param(FICHE, "Qui peut toucher la prime de précarité à la fin d'un contrat de travail ?", "sp-f2931",
                 "A-t-on droit à des congés payés pendant un CDD ?", "elsewhere", ELSEWHERE_LEAD,
                 "elsewhere_written", id="an imported fiche without variants"),
    pytest.param(WRITTEN, "Sapeur-pompier volontaire : comment devenir sapeur-pompier volontaire ?",
                 "elections-assesseur", "Comment devenir assesseur dans un bureau de vote ?", "elsewhere_written",
                 ELSEWHERE_WRITTEN_LEAD, "elsewhere", id="an entry with variants"),
])
def test_a_message_about_a_page_not_held_is_offered_not_answered(
        session_factory: sessionmaker[Session], encoder: HashingEncoder, tmp_path: Path, faq: str, near_miss: str,
        first: str, own_question: str, signal: str, lead: float, other: str) -> None:
    knowledge_base = knowledge_base_with(session_factory, tmp_path, faq, encoder)
    beside = knowledge_base.search(near_miss)
    assert beside.hits[0].id == first and beside.signals[signal] >= lead and beside.signals[other] == -1.0
    assert beside.decision == "clarify" and beside.page is not None and beside.page.lead >= lead
    own = knowledge_base.search(own_question)
    assert own.signals[signal] < lead and own.decision == "answer" and own.page is None
    knowledge_base.thresholds = Thresholds(**{**ANSWER_ALL.as_dict(), f"{signal}_lead": NO_KEY_RULE})
    assert knowledge_base.search(near_miss).decision == "answer"  # the check off: answered


def test_an_entry_published_while_the_application_runs_loads_the_pages_in_the_background(
        session_factory: sessionmaker[Session], encoder: HashingEncoder, tmp_path: Path) -> None:
    knowledge_base = KnowledgeBase(encoder=encoder, session_factory=session_factory, dim=encoder.dim,
                                   sync_seconds=-1, thresholds=ANSWER_ALL)
    knowledge_base.load()
    assert knowledge_base.pages_elsewhere.pages is None  # nothing to check: the pages are not even read
    path = tmp_path / "fiche.yml"
    path.write_text(FICHE, encoding="utf-8")
    assert import_path(session_factory, path, actor="test").ok
    knowledge_base.refresh(["sp-f2931"])
    knowledge_base.pages_elsewhere.wait_pages()
    assert knowledge_base.pages_elsewhere.pages is not None
    result = knowledge_base.search("Qui peut toucher la prime de précarité à la fin d'un contrat de travail ?")
    assert result.hits[0].id == "sp-f2931" and result.decision == "clarify"
