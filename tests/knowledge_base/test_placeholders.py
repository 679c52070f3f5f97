"""Entries still holding a ``{{à compléter : ...}}``: never shown to a citizen, handed to a person when best."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from guichet.settings import PROJECT_ROOT
from knowledge_base import store
from knowledge_base.decision import Thresholds
from knowledge_base.hashing_encoder import HashingEncoder
from knowledge_base.placeholders import is_unfilled, placeholders, withhold_unfilled
from knowledge_base.service import KnowledgeBase
from knowledge_base.types import Hit
from knowledge_base.validation import EntryData
from knowledge_base.yaml_files import import_path

FILLED = "Le marché a lieu le mardi et le samedi matin, place de la Halle."
UNFILLED = "Le marché a lieu {{à compléter : jours, horaires et lieu du marché}}. Commerçants : voyez le placier."


def hit(entry_id: str, answer: str) -> Hit:
    return Hit(id=entry_id, score=0.9, question=f"{entry_id} ?", answer=answer, department="accueil")


def test_placeholders_are_found_and_named() -> None:
    assert placeholders(UNFILLED) == ["jours, horaires et lieu du marché"]
    assert placeholders("{{ À compléter: téléphone }} puis {{à compléter : adresse}}") == ["téléphone", "adresse"]
    assert placeholders(FILLED) == [] and not is_unfilled(FILLED) and is_unfilled(UNFILLED)
    assert not is_unfilled("Écrivez {{nom}} sur l'enveloppe"), "only the placeholder syntax counts"


def test_an_unfilled_best_match_goes_to_a_person_and_is_never_offered() -> None:
    best_unfilled = [hit("marche", UNFILLED), hit("a", FILLED), hit("b", FILLED)]
    assert withhold_unfilled("answer", best_unfilled, top_k=3) == ("handoff", best_unfilled[:1])
    assert withhold_unfilled("clarify", best_unfilled, top_k=3)[0] == "handoff"
    among = [hit("a", FILLED), hit("marche", UNFILLED), hit("b", FILLED), hit("c", FILLED)]
    decision, hits = withhold_unfilled("clarify", among, top_k=3)
    assert decision == "clarify" and [h.id for h in hits] == ["a", "b", "c"]


SAMPLE = """\
department: accueil
entries:
  - id: accueil-marche
    question: "Quand et où a lieu le marché ?"
    answer: "Le marché a lieu {{à compléter : jours et lieu}}."
    variants: ["jour du marché", "marché hebdomadaire"]
  - id: accueil-marche-noel
    question: "Quand a lieu le marché de Noël ?"
    answer: "Le marché de Noël a lieu en décembre sur la grande place."
  - id: accueil-brocante
    question: "Comment vendre au marché aux puces ?"
    answer: "Inscrivez-vous auprès de l'organisateur."
"""
EASY = Thresholds(answer_score=-1.0, answer_margin=-1.0, clarify_score=-1.0)


def loaded(tmp_path: Path, session_factory: sessionmaker[Session]) -> KnowledgeBase:
    (tmp_path / "accueil.yml").write_text(SAMPLE, encoding="utf-8")
    assert import_path(session_factory, tmp_path / "accueil.yml", actor="test").ok
    encoder = HashingEncoder(256)
    knowledge_base = KnowledgeBase(encoder=encoder, session_factory=session_factory, dim=encoder.dim, sync_seconds=-1,
                                   thresholds=EASY)
    knowledge_base.load()
    return knowledge_base


def test_the_search_hands_an_unfilled_entry_over_until_an_editor_fills_it(tmp_path: Path,
                                                                        session_factory: sessionmaker[Session]) -> None:
    knowledge_base = loaded(tmp_path, session_factory)
    result = knowledge_base.search("jour du marché hebdomadaire")
    assert result.decision == "handoff" and [h.id for h in result.hits] == ["accueil-marche"], \
        "kept first so that the handoff goes to its department"
    other = knowledge_base.search("marché de Noël")
    assert other.hits[0].id == "accueil-marche-noel" and "accueil-marche" not in [h.id for h in other.hits]
    assert len(other.hits) == 2

    with session_scope(session_factory) as session:
        entry = store.get_entry(session, entry_id="accueil-marche")
        assert store.unfilled_entry_ids(session) == ["accueil-marche"]
        store.update_entry(session, data=EntryData(id=entry.id, question=entry.question, department="accueil",
                                                   answer="Le marché a lieu le samedi matin, place de la Halle.",
                                                   variants=list(entry.variants)), actor="editor")
        assert store.unfilled_entry_ids(session) == []
    knowledge_base.refresh(["accueil-marche"])
    filled = knowledge_base.search("jour du marché hebdomadaire")
    assert filled.decision == "answer" and filled.hits[0].id == "accueil-marche"


def test_the_shipped_faq_writes_placeholders_one_way() -> None:
    """A mistyped placeholder would be shown to citizens: every ``{{`` of the shipped FAQ must be one."""
    for path in sorted((PROJECT_ROOT / "knowledge_base" / "faq").glob("*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith("#"):
                continue
            braces = len(re.findall(r"\{\{", line)) + len(re.findall(r"\}\}", line))
            assert braces == 2 * len(placeholders(line)), f"{path.name}: {line.strip()[:100]}"
