"""What a channel's sender reads back from the database: the citizen message a reply answers, who wrote a reply."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from guichet.models import Message, OutboxItem


def inbound_details(factory: sessionmaker[Session], *, channel: str, external_id: str, key: str) -> dict[str, Any]:
    """``payload[key]`` of the citizen message ``external_id`` on ``channel``; empty when gone (erased)."""
    with session_scope(factory) as session:
        payload = session.scalar(select(Message.payload).where(Message.channel == channel,
                                                               Message.external_id == external_id))
        details = (payload or {}).get(key)
        return dict(details) if isinstance(details, dict) else {}


def reply_author(factory: sessionmaker[Session], *, item_id: int) -> str | None:
    """``bot`` or ``agent``: who wrote the message outbox row ``item_id`` carries."""
    with session_scope(factory) as session:
        return session.scalar(select(Message.author).join(OutboxItem, OutboxItem.message_id == Message.id)
                              .where(OutboxItem.id == item_id))
