"""The rows a weekly report reads, loaded once per period as light immutable records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from guichet.models import Handoff, HandoffEvent, Message, SearchLog


@dataclass(frozen=True)
class MessageRow:
    id: int
    conversation_id: str
    author: str
    channel: str
    kind: str | None
    faq_id: str | None
    reply_to_id: int | None
    created_at: datetime
    text: str
    handoff_reason: str | None  # for the bot's handoff replies: why it handed over


@dataclass(frozen=True)
class HandoffRow:
    id: int
    reference: str
    conversation_id: str
    department: str
    reason: str
    channel: str
    details: dict[str, Any]
    created_at: datetime
    first_response_due: datetime
    first_response_at: datetime | None


@dataclass(frozen=True)
class SearchRow:
    conversation_id: str | None
    text: str
    decision: str
    created_at: datetime


def _reason(payload: dict[str, Any] | None) -> str | None:
    handoff = (payload or {}).get("handoff")
    return str(handoff["reason"]) if isinstance(handoff, dict) and handoff.get("reason") else None


def messages_between(session: Session, *, start: datetime, end: datetime) -> list[MessageRow]:
    rows = session.execute(
        select(Message.id, Message.conversation_id, Message.author, Message.channel, Message.kind, Message.faq_id,
               Message.reply_to_id, Message.created_at, Message.text, Message.payload)
        .where(Message.created_at >= start, Message.created_at < end).order_by(Message.created_at, Message.id)
    )
    return [MessageRow(id=row.id, conversation_id=row.conversation_id, author=row.author, channel=row.channel,
                       kind=row.kind, faq_id=row.faq_id, reply_to_id=row.reply_to_id, created_at=row.created_at,
                       text=row.text, handoff_reason=_reason(row.payload)) for row in rows]


def handoffs_created(session: Session, *, start: datetime, end: datetime) -> list[HandoffRow]:
    rows = session.scalars(select(Handoff).where(Handoff.created_at >= start, Handoff.created_at < end)
                           .order_by(Handoff.created_at, Handoff.id))
    return [HandoffRow(id=h.id, reference=h.reference, conversation_id=h.conversation_id, department=h.department,
                       reason=h.reason, channel=h.channel, details=dict(h.details or {}), created_at=h.created_at,
                       first_response_due=h.first_response_due, first_response_at=h.first_response_at)
            for h in rows]


def reopened_conversations(session: Session, *, start: datetime, end: datetime) -> set[str]:
    """Conversations whose resolved handoff was reopened in the period (a person took it up again)."""
    rows = session.scalars(
        select(Handoff.conversation_id).join(HandoffEvent, HandoffEvent.handoff_id == Handoff.id)
        .where(HandoffEvent.action == "reopen", HandoffEvent.created_at >= start, HandoffEvent.created_at < end)
    )
    return set(rows)


def searches_between(session: Session, *, start: datetime, end: datetime,
                     decisions: tuple[str, ...] = ("handoff", "clarify")) -> list[SearchRow]:
    rows = session.execute(
        select(SearchLog.conversation_id, SearchLog.text, SearchLog.decision, SearchLog.created_at)
        .where(SearchLog.created_at >= start, SearchLog.created_at < end, SearchLog.decision.in_(decisions))
        .order_by(SearchLog.created_at, SearchLog.id)
    )
    return [SearchRow(conversation_id=row.conversation_id, text=row.text, decision=row.decision,
                      created_at=row.created_at) for row in rows]
