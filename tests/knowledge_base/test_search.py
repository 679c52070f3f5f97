"""The service on the hashing encoder: incremental updates, drafts, odd queries, changes from elsewhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from knowledge_base import store
from knowledge_base.decision import Thresholds
from knowledge_base.hashing_encoder import HashingEncoder
from knowledge_base.validation import EntryData
from knowledge_base.yaml_files import import_path

from .conftest import make_knowledge_base


@pytest.fixture
def loaded(session_factory: sessionmaker[Session], sample_file: Path) -> sessionmaker[Session]:
    assert import_path(session_factory, sample_file, actor="test").ok
    return session_factory


def test_search_finds_the_entry_and_returns_the_contract(loaded: sessionmaker[Session],
                                                         encoder: HashingEncoder) -> None:
    knowledge_base = make_knowledge_base(loaded, encoder)
    assert knowledge_base.ready and len(knowledge_base) == 3
    result = knowledge_base.search("horaires de la piscine le dimanche", top_k=2)
    assert result.hits[0].id == "piscines-horaires" and len(result.hits) == 2
    body = result.as_dict()
    assert set(body) == {"query", "decision", "hits"} and body["decision"] in ("answer", "clarify", "handoff")
    assert set(body["hits"][0]) == {"id", "score", "question", "answer", "department", "url"}
    assert body["hits"][0]["url"] == "https://www.ville.example/piscines"


def test_a_changed_answer_is_returned_by_the_next_search(loaded: sessionmaker[Session],
                                                         encoder: HashingEncoder) -> None:
    knowledge_base = make_knowledge_base(loaded, encoder)
    with session_scope(loaded) as session:
        entry = store.entry_data(store.get_entry(session, entry_id="piscines-tarifs"))
        store.update_entry(session, data=EntryData(**{**entry.as_dict(), "answer": "Nouveaux tarifs au 1er mai."}),
                           actor="editor")
    knowledge_base.refresh(["piscines-tarifs"])
    hit = knowledge_base.search("prix entrée piscine tarifs").hits[0]
    assert (hit.id, hit.answer) == ("piscines-tarifs", "Nouveaux tarifs au 1er mai.")


def test_drafts_and_deleted_entries_are_not_searched(loaded: sessionmaker[Session], encoder: HashingEncoder) -> None:
    knowledge_base = make_knowledge_base(loaded, encoder)
    with session_scope(loaded) as session:
        store.create_entry(session, actor="e", data=EntryData(id="brouillon", question="Horaires du brouillon ?",
                                                              answer="Pas encore.", department="accueil",
                                                              status="draft"))
        store.delete_entry(session, entry_id="papiers-carte-identite", actor="e")
    knowledge_base.refresh(["brouillon", "papiers-carte-identite"])
    ids = {hit.id for hit in knowledge_base.search("horaires du brouillon carte identité", top_k=20).hits}
    assert ids == {"piscines-horaires", "piscines-tarifs"}
    with session_scope(loaded) as session:
        store.publish_entry(session, entry_id="brouillon", actor="e")
    knowledge_base.refresh(["brouillon"])
    assert knowledge_base.search("horaires du brouillon").hits[0].id == "brouillon"


def test_incremental_update_is_fast(loaded: sessionmaker[Session], encoder: HashingEncoder) -> None:
    import time

    knowledge_base = make_knowledge_base(loaded, encoder)
    with session_scope(loaded) as session:
        store.create_entry(session, actor="e", data=EntryData(id="neuve", question="Une nouvelle question ?",
                                                              answer="Oui.", department="accueil",
                                                              status="published"))
    started = time.perf_counter()
    knowledge_base.refresh(["neuve"])
    assert time.perf_counter() - started < 0.5
    assert knowledge_base.search("une nouvelle question").hits[0].id == "neuve"


def test_changes_made_by_another_process_are_picked_up(loaded: sessionmaker[Session],
                                                        encoder: HashingEncoder) -> None:
    knowledge_base = make_knowledge_base(loaded, encoder)
    knowledge_base.sync_seconds = 0.0
    with session_scope(loaded) as session:  # as `guichet kb import` would, without telling the app
        store.create_entry(session, actor="cli", data=EntryData(id="ailleurs", question="Venue d'ailleurs ?",
                                                                answer="Oui.", department="accueil"))
        store.delete_entry(session, entry_id="piscines-tarifs", actor="cli")
    ids = [hit.id for hit in knowledge_base.search("venue d'ailleurs", top_k=3).hits]
    assert ids[0] == "ailleurs" and "piscines-tarifs" not in ids


def test_odd_queries(loaded: sessionmaker[Session], encoder: HashingEncoder) -> None:
    knowledge_base = make_knowledge_base(loaded, encoder)
    for empty in ("", "   \n"):
        with pytest.raises(ValueError, match="text: must not be empty"):
            knowledge_base.search(empty)
    with pytest.raises(ValueError, match="top_k"):
        knowledge_base.search("piscine", top_k=0)
    for nothing in ("😀🙏", "https://www.example.org/page?x=1", "?!"):
        result = knowledge_base.search(nothing)
        assert (result.decision, result.hits) == ("handoff", [])
    long = "je voudrais connaître les horaires de la piscine " * 250
    assert len(long) > 10_000
    result = knowledge_base.search(long)
    assert result.decision in ("answer", "clarify", "handoff") and result.hits


def test_decision_uses_the_thresholds(loaded: sessionmaker[Session], encoder: HashingEncoder) -> None:
    knowledge_base = make_knowledge_base(loaded, encoder)
    knowledge_base.thresholds = Thresholds(answer_score=-1, answer_margin=-1, clarify_score=-1)
    assert knowledge_base.search("piscine horaires").decision == "answer"
    knowledge_base.thresholds = Thresholds(answer_score=9, answer_margin=0, clarify_score=-1)
    assert knowledge_base.search("piscine horaires").decision == "clarify"
    knowledge_base.thresholds = Thresholds(answer_score=9, answer_margin=0, clarify_score=9)
    assert knowledge_base.search("piscine horaires").decision == "handoff"


def test_empty_knowledge_base_hands_off(session_factory: sessionmaker[Session], encoder: HashingEncoder) -> None:
    result = make_knowledge_base(session_factory, encoder).search("piscine")
    assert (result.decision, result.hits) == ("handoff", [])


def test_a_repeated_message_is_encoded_once(loaded: sessionmaker[Session], encoder: HashingEncoder) -> None:
    knowledge_base = make_knowledge_base(loaded, encoder)
    first = knowledge_base.search("horaires de la piscine")
    encoded = len(encoder.encoded)
    assert knowledge_base.search("horaires de la piscine") == first and len(encoder.encoded) == encoded
    knowledge_base.search("tarifs de la piscine")
    assert encoder.encoded[-1] == "tarifs de la piscine"


def test_the_default_rule_follows_the_kind_of_entries(loaded: sessionmaker[Session], encoder: HashingEncoder) -> None:
    from knowledge_base.adaptive import BARE_RULE, DEFAULT_RULE
    from knowledge_base.written_entries import CURATED_VARIANTS

    knowledge_base = make_knowledge_base(loaded, encoder)
    # two of three entries have two variants each: too few to be scored like written entries
    assert knowledge_base.rule == BARE_RULE and knowledge_base._index.mixing
    ids = ("piscines-horaires", "papiers-carte-identite")

    def set_variants(count: int) -> None:
        with session_scope(loaded) as session:
            for entry_id in ids:
                entry = store.entry_data(store.get_entry(session, entry_id=entry_id))
                variants = [f"{entry.question} ({number})" for number in range(count)]
                store.update_entry(session, data=EntryData(**{**entry.as_dict(), "variants": variants}),
                                   actor="editor")
        knowledge_base.refresh(list(ids))
        knowledge_base.wait_profile()

    set_variants(CURATED_VARIANTS)
    assert knowledge_base.rule == DEFAULT_RULE and knowledge_base._index.mixing
    assert knowledge_base.decision_status()["rule"] == DEFAULT_RULE.as_dict()
    set_variants(0)
    assert knowledge_base.rule == BARE_RULE and not knowledge_base._index.mixing
    assert knowledge_base.decision_status()["rule"] == BARE_RULE.as_dict()


def test_the_signals_say_how_near_the_message_is_to_the_first_entrys_own_keys(loaded: sessionmaker[Session],
                                                                              encoder: HashingEncoder) -> None:
    knowledge_base = make_knowledge_base(loaded, encoder)
    question = "Quels sont les horaires des piscines municipales ?"  # the entry's own question, word for word
    ranked, found = knowledge_base.analyse(question)
    assert ranked[0].id == "piscines-horaires" and found is not None
    assert found.key == pytest.approx(1.0, abs=1e-5) and 0.0 < found.key_lead <= 2.0
    assert knowledge_base.search(question).signals["key"] == pytest.approx(1.0, abs=1e-4)
