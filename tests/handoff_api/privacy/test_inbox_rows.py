"""Erasure and retention reach the training inbox: unlabelled questions go, labelled ones are unlinked."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from guichet.models import InboxItem, utcnow
from guichet.settings import Settings
from handoff_api.privacy.erasure import delete_conversations
from handoff_api.privacy.retention import purge


def items(session_factory: sessionmaker[Session], *, days_ago: int = 0) -> None:
    with session_scope(session_factory) as session:
        for status, conversation_id in (("open", "gone"), ("dismissed", "gone"), ("confirmed", "gone"),
                                        ("open", "kept")):
            session.add(InboxItem(text=f"{status} {conversation_id}", decision="handoff", status=status,
                                  conversation_id=conversation_id, created_at=utcnow() - timedelta(days=days_ago)))


def rows(session_factory: sessionmaker[Session]) -> list[tuple[str, str | None]]:
    with session_scope(session_factory) as session:
        return [(i.text, i.conversation_id) for i in session.scalars(select(InboxItem).order_by(InboxItem.id))]


def test_erasing_a_conversation(session_factory: sessionmaker[Session]) -> None:
    items(session_factory)
    with session_scope(session_factory) as session:
        delete_conversations(session, conversation_ids=["gone"])
    assert rows(session_factory) == [("confirmed gone", None), ("open kept", "kept")]


def test_retention(session_factory: sessionmaker[Session], settings: Settings) -> None:
    items(session_factory, days_ago=settings.retention_days + 1)
    with session_scope(session_factory) as session:
        session.add(InboxItem(text="recent", decision="handoff", status="open", conversation_id="new"))
    with session_scope(session_factory) as session:
        purge(session, settings=settings)
    assert rows(session_factory) == [("confirmed gone", None), ("recent", "new")]
