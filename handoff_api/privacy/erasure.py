"""Finding what is held about one citizen, and deleting conversations with everything attached to them."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any, Literal

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from guichet.crud.conversations import NotFound
from guichet.models import Conversation, Feedback, Handoff, HandoffEvent, Message, OutboxItem, SearchLog
from handoff_api.privacy.inbox_rows import forget_conversations


@dataclass
class Deletion:
    conversations: int = 0
    messages: int = 0
    handoffs: int = 0
    handoff_events: int = 0
    outbox_items: int = 0
    search_logs: int = 0
    feedback: int = 0  # citizens' verdicts on answers and ratings of a person's help
    rasa_events: int = 0  # rows of Rasa's tracker store (handoff_api.privacy.rasa_trackers)

    def add(self, other: Deletion) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def handle_variants(handle: str) -> list[str]:
    """A handle as it may be stored: "@Name" and "Name", compared case-insensitively."""
    bare = handle.strip().lstrip("@").lower()
    if not bare:
        raise ValueError(f"handle: {handle!r} is empty")
    return [bare, f"@{bare}"]


def subject_label(*, handle: str | None, conversation_id: str | None) -> str:
    """How the audit log names a citizen without keeping their handle: a short digest."""
    if handle is not None:
        digest = hashlib.sha256(handle.strip().lstrip("@").lower().encode()).hexdigest()[:16]
        return f"citizen:handle-sha256:{digest}"
    return f"citizen:conversation:{conversation_id}"


def conversations_of(session: Session, *, handle: str | None = None,
                     conversation_id: str | None = None) -> list[Conversation]:
    """Every conversation of a citizen's handle, or the one conversation named; NotFound if none."""
    if (handle is None) == (conversation_id is None):
        raise ValueError("give exactly one of handle or conversation_id")
    if conversation_id is not None:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            raise NotFound(f"conversation_id: {conversation_id!r} does not exist")
        return [conversation]
    assert handle is not None
    found = list(session.scalars(
        select(Conversation).where(func.lower(Conversation.citizen_handle).in_(handle_variants(handle)))
        .order_by(Conversation.created_at, Conversation.id)
    ))
    if not found:
        raise NotFound(f"handle: no conversation is held for {handle!r}")
    return found


def _count(session: Session, model: Any, condition: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(condition)) or 0)


def count_attached(session: Session, *, conversation_ids: list[str], search_logs: bool = True) -> Deletion:
    """What deleting these conversations would remove."""
    if not conversation_ids:
        return Deletion()
    handoff_ids = select(Handoff.id).where(Handoff.conversation_id.in_(conversation_ids))
    return Deletion(
        conversations=len(conversation_ids),
        messages=_count(session, Message, Message.conversation_id.in_(conversation_ids)),
        handoffs=_count(session, Handoff, Handoff.conversation_id.in_(conversation_ids)),
        handoff_events=_count(session, HandoffEvent, HandoffEvent.handoff_id.in_(handoff_ids)),
        outbox_items=_count(session, OutboxItem, OutboxItem.conversation_id.in_(conversation_ids)),
        search_logs=_count(session, SearchLog, SearchLog.conversation_id.in_(conversation_ids)) if search_logs else 0,
        feedback=_count(session, Feedback, Feedback.conversation_id.in_(conversation_ids)) if search_logs else 0,
    )


def delete_conversations(session: Session, *, conversation_ids: list[str],
                         search_logs: Literal["delete", "unlink"] = "delete") -> Deletion:
    """Deletes the conversations and their messages, handoffs, events and deliveries; returns the counts.

    Search-log rows (questions already masked of personal data) and the citizens' feedback are deleted, or
    only detached from the conversation with ``search_logs="unlink"`` so the anonymous statistics survive
    (a feedback row then keeps its verdict, entry, department and date, nothing that leads to a person).
    """
    counts = count_attached(session, conversation_ids=conversation_ids)
    if not conversation_ids:
        return counts
    of_conversations = Feedback.conversation_id.in_(conversation_ids)
    if search_logs == "delete":
        session.execute(delete(Feedback).where(of_conversations).execution_options(synchronize_session=False))
    else:
        session.execute(update(Feedback).where(of_conversations).values(
            conversation_id=None, message_id=None, reply_message_id=None, handoff_id=None)
            .execution_options(synchronize_session=False))
    handoff_ids = select(Handoff.id).where(Handoff.conversation_id.in_(conversation_ids))
    session.execute(delete(HandoffEvent).where(HandoffEvent.handoff_id.in_(handoff_ids))
                    .execution_options(synchronize_session=False))
    for model in (OutboxItem, Handoff, Message):
        session.execute(delete(model).where(model.conversation_id.in_(conversation_ids))
                        .execution_options(synchronize_session=False))
    forget_conversations(session, conversation_ids=conversation_ids, keep_open=search_logs == "unlink")
    in_conversations = SearchLog.conversation_id.in_(conversation_ids)
    if search_logs == "delete":
        session.execute(delete(SearchLog).where(in_conversations).execution_options(synchronize_session=False))
    else:
        session.execute(update(SearchLog).where(in_conversations).values(conversation_id=None)
                        .execution_options(synchronize_session=False))
    session.execute(delete(Conversation).where(Conversation.id.in_(conversation_ids))
                    .execution_options(synchronize_session=False))
    session.expire_all()
    return counts
