"""Bad input stays handled: an empty knowledge base, one entry, a large import, duplicated questions, an
off-topic example that is an entry's question, a fiche too long to be an answer."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from knowledge_base import off_topic_store, store
from knowledge_base.fiches import Fiche, to_entry
from knowledge_base.hashing_encoder import HashingEncoder
from knowledge_base.validation import DETAILS_LIMIT, weighted_length
from knowledge_base.yaml_files import import_path

from .conftest import make_knowledge_base


def write(path: Path, entries: list[dict[str, object]]) -> Path:
    path.write_text(yaml.safe_dump({"department": "accueil", "entries": entries}, allow_unicode=True),
                    encoding="utf-8")
    return path


def test_an_empty_knowledge_base_hands_off(session_factory: sessionmaker[Session], encoder: HashingEncoder) -> None:
    knowledge_base = make_knowledge_base(session_factory, encoder)
    assert len(knowledge_base) == 0
    result = knowledge_base.search("horaires de la piscine")
    assert result.decision == "handoff" and result.hits == []
    status = knowledge_base.decision_status()
    assert status["entries"] == 0 and status["off_topic_examples"] > 50 and status["estimates"]


def test_one_entry(session_factory: sessionmaker[Session], encoder: HashingEncoder, tmp_path: Path) -> None:
    assert import_path(session_factory, write(tmp_path / "one.yml", [
        {"id": "piscine", "question": "Horaires de la piscine ?", "answer": "De 7h à 20h."}]), actor="t").ok
    knowledge_base = make_knowledge_base(session_factory, encoder)
    result = knowledge_base.search("horaires de la piscine")
    assert [hit.id for hit in result.hits] == ["piscine"] and result.decision in ("answer", "clarify", "handoff")
    assert result.signals["margin"] == 1.0  # no second entry: the lead is the whole score


def test_the_same_question_in_two_entries_is_never_answered(session_factory: sessionmaker[Session],
                                                            encoder: HashingEncoder, tmp_path: Path) -> None:
    question = "Comment inscrire mon enfant à la cantine ?"
    assert import_path(session_factory, write(tmp_path / "twice.yml", [
        {"id": "cantine-a", "question": question, "answer": "En ligne."},
        {"id": "cantine-b", "question": question, "answer": "À l'accueil."}]), actor="t").ok
    knowledge_base = make_knowledge_base(session_factory, encoder)
    result = knowledge_base.search(question)
    assert {hit.id for hit in result.hits[:2]} == {"cantine-a", "cantine-b"}
    assert result.decision != "answer" and result.signals["margin"] < 0.02  # the answers differ, a little


def test_an_off_topic_example_that_is_an_entry_question_stops_counting(
        session_factory: sessionmaker[Session], encoder: HashingEncoder, tmp_path: Path) -> None:
    with session_scope(session_factory) as session:
        off_topic_store.seed_off_topic(session)
        off_topic_store.create_example(session, text="Comment obtenir un permis de chasse ?", kind="near_misses",
                                       actor="t")
    assert import_path(session_factory, write(tmp_path / "chasse.yml", [
        {"id": "chasse", "question": "Comment obtenir un permis de chasse ?", "answer": "Auprès de la fédération."}]),
        actor="t").ok
    knowledge_base = make_knowledge_base(session_factory, encoder)
    assert "Comment obtenir un permis de chasse ?" in knowledge_base._off_topic.ignored
    assert knowledge_base.search("Comment obtenir un permis de chasse ?").signals["off_topic"] < 0.99
    with session_scope(session_factory) as session:
        store.delete_entry(session, entry_id="chasse", actor="t")
    knowledge_base.refresh(["chasse"])
    knowledge_base.wait_profile()
    assert "Comment obtenir un permis de chasse ?" not in knowledge_base._off_topic.ignored


def test_an_import_of_2000_fiches(session_factory: sessionmaker[Session], encoder: HashingEncoder,
                                  tmp_path: Path) -> None:
    entries: list[dict[str, object]] = [
        {"id": f"sp-f{n}", "question": f"Question numéro {n} sur la démarche {n % 97} ?",
                "answer": f"Réponse {n}.", "url": f"https://www.service-public.fr/particuliers/vosdroits/F{n}",
                "tags": ["service-public"]} for n in range(2000)]
    report = import_path(session_factory, write(tmp_path / "many.yml", entries), actor="t")
    assert report.ok and len(report.files[0].created) == 2000
    knowledge_base = make_knowledge_base(session_factory, encoder)
    assert len(knowledge_base) == 2000 and len(knowledge_base.profile) > 20
    assert knowledge_base.search("question numéro 1234 sur la démarche 70").hits[0].id == "sp-f1234"


def test_a_fiche_too_long_to_be_an_answer_is_refused_by_name_and_nothing_else_is_lost(
        session_factory: sessionmaker[Session], tmp_path: Path) -> None:
    long_answer = "Une phrase assez longue pour dépasser la limite des réponses. " * 8
    good = to_entry(Fiche(id="F1", title="Court ?", summary="Oui.", url="https://e.fr/F1"), department="accueil")
    assert weighted_length(to_entry(Fiche(id="F2", title="Long ?", summary=long_answer, url="https://e.fr/F2"),
                                    department="accueil").answer) <= 280  # the fiches importer cuts at a sentence
    assert import_path(session_factory, write(tmp_path / "first.yml", [{**good.as_dict(), "status": "published"}]),
                       actor="t").ok
    bad = write(tmp_path / "city.yml", [{"id": "sp-f2", "question": "Long ?", "answer": long_answer.strip()}])
    report = import_path(session_factory, bad, actor="t")
    assert not report.ok and "entry 'sp-f2': answer is" in (report.files[0].error or "")
    with session_scope(session_factory) as session:
        assert store.get_entry(session, entry_id="sp-f1").answer == "Oui."
        assert session.get(store.KBEntry, "sp-f2") is None


def test_details_beyond_the_limit_are_refused_by_name_and_nothing_else_is_lost(
        session_factory: sessionmaker[Session], tmp_path: Path) -> None:
    first: dict[str, object] = {"id": "sp-f1", "question": "Court ?", "answer": "Oui.",
                                "details": "Le texte de la fiche."}
    assert import_path(session_factory, write(tmp_path / "first.yml", [first]), actor="t").ok
    too_long: dict[str, object] = {"id": "sp-f2", "question": "Long ?", "answer": "Oui.",
                                   "details": "x" * (DETAILS_LIMIT + 1)}
    report = import_path(session_factory, write(tmp_path / "city.yml", [first, too_long]), actor="t")
    assert not report.ok
    assert f"entry 'sp-f2': details is {DETAILS_LIMIT + 1} characters long, the limit is {DETAILS_LIMIT}" in (
        report.files[0].error or "")
    not_text: dict[str, object] = {"id": "sp-f3", "question": "Liste ?", "answer": "Oui.", "details": ["a", "b"]}
    report = import_path(session_factory, write(tmp_path / "list.yml", [not_text]), actor="t")
    assert not report.ok and "entry 'sp-f3': details must be a non-empty string" in (report.files[0].error or "")
    blank: dict[str, object] = {"id": "sp-f4", "question": "Vide ?", "answer": "Oui.", "details": "  \n "}
    assert import_path(session_factory, write(tmp_path / "blank.yml", [blank]), actor="t").ok  # blank: no details
    with session_scope(session_factory) as session:
        assert store.get_entry(session, entry_id="sp-f4").details == ""
        assert store.get_entry(session, entry_id="sp-f1").details == "Le texte de la fiche."
        assert session.get(store.KBEntry, "sp-f2") is None and session.get(store.KBEntry, "sp-f3") is None
