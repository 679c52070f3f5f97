"""Anonymising a conversation a person handled: the statistics stay, the citizen can no longer be found.

The texts are replaced by their redacted form (e-mails, phones, NIRs, IBANs and addresses masked),
the channel identifiers (handle, thread id, message ids, web chat token) are cleared, the raw
channel payloads and delivered outbox copies are removed, and ``anonymised_at`` is set.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from guichet.contract.redact import redact
from guichet.models import Author, Conversation, Handoff, HandoffEvent, Message, OutboxItem, OutboxStatus


@dataclass
class Anonymisation:
    conversations: int = 0
    messages: int = 0
    handoffs: int = 0
    outbox_items_deleted: int = 0

    def add(self, other: Anonymisation) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def redact_json(value: Any) -> Any:
    """Every string inside a JSON value redacted, the structure kept."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [redact_json(item) for item in value]
    if isinstance(value, dict):
        return {key: redact_json(item) for key, item in value.items()}
    return value


def anonymise_conversations(session: Session, *, conversation_ids: list[str], now: datetime,
                            dry_run: bool = False) -> Anonymisation:
    result = Anonymisation()
    if not conversation_ids:
        return result
    conversations = list(session.scalars(select(Conversation).where(Conversation.id.in_(conversation_ids))))
    messages = list(session.scalars(select(Message).where(Message.conversation_id.in_(conversation_ids))))
    handoffs = list(session.scalars(select(Handoff).where(Handoff.conversation_id.in_(conversation_ids))))
    delivered = [OutboxItem.conversation_id.in_(conversation_ids), OutboxItem.status != OutboxStatus.PENDING.value]
    outbox = list(session.scalars(select(OutboxItem.id).where(*delivered)))
    result = Anonymisation(conversations=len(conversations), messages=len(messages), handoffs=len(handoffs),
                           outbox_items_deleted=len(outbox))
    if dry_run:
        return result
    for message in messages:
        message.text = redact(message.text)
        message.external_id = None
        if message.author == Author.CITIZEN.value:
            message.payload = None
        elif message.payload is not None:
            message.payload = redact_json(message.payload)
    for handoff in handoffs:
        handoff.summary = redact(handoff.summary)
        handoff.details = redact_json(handoff.details)
    events = session.scalars(select(HandoffEvent).where(HandoffEvent.handoff_id.in_([h.id for h in handoffs])))
    for event in events:
        event.detail = redact_json(event.detail)
    session.execute(delete(OutboxItem).where(*delivered).execution_options(synchronize_session=False))
    for conversation in conversations:
        conversation.citizen_handle = None
        conversation.external_ref = None
        conversation.token_hash = None
        conversation.anonymised_at = now
    session.flush()
    return result
