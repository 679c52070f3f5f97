from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from guichet.crud.conversations import NotFound
from guichet.crud.handoffs import Conflict
from guichet.db import session_scope
from knowledge_base import store
from knowledge_base.validation import EntryData

ENTRY = EntryData(id="test-entry", question="Une question ?", answer="Une réponse.", department="accueil",
                  tags=["a"], status="draft")


def test_every_change_leaves_a_revision(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        store.create_entry(session, data=ENTRY, actor="alice")
        entry, changed = store.update_entry(session, data=EntryData(**{**ENTRY.as_dict(), "answer": "Autre."}),
                                            actor="bob")
        assert changed and entry.version == 2
        _, changed = store.update_entry(session, data=EntryData(**{**ENTRY.as_dict(), "answer": "Autre."}),
                                        actor="bob")
        assert not changed
        store.publish_entry(session, entry_id="test-entry", actor="carol")
        store.delete_entry(session, entry_id="test-entry", actor="dan")
    with session_scope(session_factory) as session:
        revisions = store.revisions(session, entry_id="test-entry")
        assert [(r.actor, r.action) for r in revisions] == [
            ("alice", "create"), ("bob", "update"), ("carol", "publish"), ("dan", "delete")]
        before, after = [r.before for r in revisions], [r.after for r in revisions]
        assert before[0] is None and after[0] is not None and after[0]["answer"] == "Une réponse."
        assert before[1] is not None and before[1]["answer"] == "Une réponse."
        assert after[1] is not None and after[1]["answer"] == "Autre."
        assert before[2] is not None and before[2]["status"] == "draft"
        assert after[2] is not None and after[2]["status"] == "published"
        assert all(r.created_at.tzinfo is not None for r in revisions)


def test_soft_delete_keeps_the_entry_and_hides_it(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        store.create_entry(session, data=ENTRY, actor="alice")
        store.delete_entry(session, entry_id="test-entry", actor="alice")
    with session_scope(session_factory) as session:
        assert store.get_entry(session, entry_id="test-entry").status == "deleted"
        assert store.list_entries(session)[1] == 0
        assert store.list_entries(session, status="deleted")[1] == 1
        assert store.published_entries(session) == []
        with pytest.raises(NotFound, match="test-entry"):
            store.delete_entry(session, entry_id="test-entry", actor="alice")
        # the id of a deleted entry may be created again
        store.create_entry(session, data=ENTRY, actor="bob")
        assert store.get_entry(session, entry_id="test-entry").status == "draft"


def test_errors_name_the_entry(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        store.create_entry(session, data=ENTRY, actor="alice")
        with pytest.raises(Conflict, match="'test-entry' already exists"):
            store.create_entry(session, data=ENTRY, actor="alice")
        with pytest.raises(NotFound, match="'nope'"):
            store.get_entry(session, entry_id="nope")


def test_list_filters_and_pages(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        for index in range(5):
            store.create_entry(session, actor="a", data=EntryData(
                id=f"e{index}", question=f"Question {index} piscine" if index % 2 else f"Question {index}",
                answer="Réponse.", department="sports" if index < 3 else "papiers", tags=["x"] if index == 4 else [],
                status="published" if index % 2 else "draft"))
    with session_scope(session_factory) as session:
        assert store.list_entries(session, department="sports")[1] == 3
        assert store.list_entries(session, status="published")[1] == 2
        assert store.list_entries(session, tag="x")[0][0].id == "e4"
        assert {e.id for e in store.list_entries(session, q="PISCINE")[0]} == {"e1", "e3"}
        page, total = store.list_entries(session, offset=2, limit=2)
        assert total == 5 and len(page) == 2
