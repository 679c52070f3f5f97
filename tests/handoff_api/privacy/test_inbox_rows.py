"""Erasure and retention reach the training inbox: unlabelled questions go, labelled ones are unlinked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import make_engine, make_session_factory, session_scope
from guichet.migrate import upgrade
from guichet.models import InboxItem, utcnow
from guichet.settings import Settings
from handoff_api.privacy.erasure import delete_conversations
from handoff_api.privacy.retention import purge


@pytest.fixture
def factory(settings: Settings) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(settings)
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


def items(factory: sessionmaker[Session], *, days_ago: int = 0) -> None:
    with session_scope(factory) as session:
        for status, conversation_id in (("open", "gone"), ("dismissed", "gone"), ("confirmed", "gone"),
                                        ("open", "kept")):
            session.add(InboxItem(text=f"{status} {conversation_id}", decision="handoff", status=status,
                                  conversation_id=conversation_id, created_at=utcnow() - timedelta(days=days_ago)))


def rows(factory: sessionmaker[Session]) -> list[tuple[str, str | None]]:
    with session_scope(factory) as session:
        return [(i.text, i.conversation_id) for i in session.scalars(select(InboxItem).order_by(InboxItem.id))]


def test_erasing_a_conversation(factory: sessionmaker[Session]) -> None:
    items(factory)
    with session_scope(factory) as session:
        delete_conversations(session, conversation_ids=["gone"])
    assert rows(factory) == [("confirmed gone", None), ("open kept", "kept")]


def test_retention(factory: sessionmaker[Session], settings: Settings) -> None:
    items(factory, days_ago=settings.retention_days + 1)
    with session_scope(factory) as session:
        session.add(InboxItem(text="recent", decision="handoff", status="open", conversation_id="new"))
    with session_scope(factory) as session:
        purge(session, settings=settings)
    assert rows(factory) == [("confirmed gone", None), ("recent", "new")]
