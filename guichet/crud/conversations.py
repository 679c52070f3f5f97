"""Conversations and their messages."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from guichet.models import Author, Conversation, InboundState, Message, Owner, utcnow


class NotFound(LookupError):
    pass


def new_conversation(
    session: Session, *, channel: str, external_ref: str | None = None,
    citizen_handle: str | None = None, token_hash: str | None = None, conversation_id: str | None = None,
) -> Conversation:
    conversation = Conversation(
        id=conversation_id or uuid.uuid4().hex, channel=channel, external_ref=external_ref,
        citizen_handle=citizen_handle, token_hash=token_hash, owner=Owner.BOT.value,
    )
    session.add(conversation)
    session.flush()
    return conversation


def get_conversation(session: Session, *, conversation_id: str) -> Conversation:
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        raise NotFound(f"conversation {conversation_id!r} does not exist")
    return conversation


def conversation_for_ref(
    session: Session, *, channel: str, external_ref: str, citizen_handle: str | None = None
) -> Conversation:
    """The conversation of a channel's own thread id, created on first sight."""
    found = session.scalar(
        select(Conversation).where(Conversation.channel == channel, Conversation.external_ref == external_ref)
    )
    if found is not None:
        return found
    try:
        with session.begin_nested():
            return new_conversation(session, channel=channel, external_ref=external_ref,
                                    citizen_handle=citizen_handle)
    except IntegrityError:
        existing = session.scalar(
            select(Conversation).where(Conversation.channel == channel, Conversation.external_ref == external_ref)
        )
        if existing is None:
            raise
        return existing


def add_inbound(
    session: Session, *, conversation: Conversation, text: str, channel: str, external_id: str | None = None,
    payload: dict[str, Any] | None = None,
) -> Message | None:
    """Store a citizen message before anything else happens; ``None`` if it was already delivered."""
    message = Message(
        conversation_id=conversation.id, author=Author.CITIZEN.value, channel=channel,
        external_id=external_id, text=text, payload=payload, inbound_state=InboundState.PENDING.value,
    )
    try:
        with session.begin_nested():
            session.add(message)
            session.flush()
    except IntegrityError:
        return None
    conversation.last_message_at = message.created_at
    return message


def add_outgoing(
    session: Session, *, conversation: Conversation, author: Author, text: str, kind: str | None = None,
    faq_id: str | None = None, payload: dict[str, Any] | None = None, agent_id: int | None = None,
    reply_to_id: int | None = None,
) -> Message:
    message = Message(
        conversation_id=conversation.id, author=author.value, channel=conversation.channel, text=text,
        kind=kind, faq_id=faq_id, payload=payload, agent_id=agent_id, reply_to_id=reply_to_id,
    )
    session.add(message)
    session.flush()
    return message


def claim_inbound(session: Session, *, message_id: int, lease: timedelta, now: datetime | None = None) -> bool:
    """Take a pending inbound message for processing; False if another worker holds it or it is done."""
    moment = now or utcnow()
    result = session.execute(
        update(Message)
        .where(
            Message.id == message_id,
            Message.inbound_state == InboundState.PENDING.value,
            (Message.processing_until.is_(None)) | (Message.processing_until < moment),
        )
        .values(processing_until=moment + lease, attempts=Message.attempts + 1)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def release_inbound(session: Session, *, message_id: int) -> None:
    """After a failed attempt: the message may be taken up again at once (it stays pending)."""
    session.execute(update(Message).where(Message.id == message_id,
                                          Message.inbound_state == InboundState.PENDING.value)
                    .values(processing_until=None))


def give_up_exhausted(session: Session, *, max_attempts: int, older_than: datetime,
                      now: datetime | None = None) -> list[Message]:
    """Pending messages already taken up ``max_attempts`` times and held by nobody: marked failed, returned.

    A conditional update per message: of two instances recovering at once, one gives each message up.
    """
    moment = now or utcnow()
    candidates = session.scalars(
        select(Message.id).where(Message.inbound_state == InboundState.PENDING.value, Message.created_at < older_than,
                                 Message.attempts >= max_attempts,
                                 (Message.processing_until.is_(None)) | (Message.processing_until < moment))
    ).all()
    given_up = []
    for message_id in candidates:
        result = session.execute(update(Message).where(Message.id == message_id,
                                                        Message.inbound_state == InboundState.PENDING.value)
                                 .values(inbound_state=InboundState.FAILED.value, processing_until=None))
        if getattr(result, "rowcount", 0) == 1:
            message = session.get(Message, message_id)
            assert message is not None
            given_up.append(message)
    return given_up


def failed_inbound(session: Session, *, since: datetime, limit: int = 50) -> list[Message]:
    """Messages given up since ``since``, newest first (the console lists them for agents)."""
    return list(session.scalars(
        select(Message).where(Message.inbound_state == InboundState.FAILED.value, Message.created_at >= since)
        .order_by(Message.id.desc()).limit(limit)
    ))


def mark_handled(session: Session, *, message: Message) -> None:
    message.inbound_state = InboundState.HANDLED.value
    message.processing_until = None


def pending_inbound(session: Session, *, older_than: datetime, limit: int = 100) -> list[Message]:
    return list(
        session.scalars(
            select(Message)
            .where(Message.inbound_state == InboundState.PENDING.value, Message.created_at < older_than)
            .order_by(Message.id)
            .limit(limit)
        )
    )


def transcript(session: Session, *, conversation_id: str, include_notes: bool = False) -> list[Message]:
    query = select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id)
    if not include_notes:
        query = query.where(Message.author != Author.NOTE.value)
    return list(session.scalars(query))


def bot_has_spoken(session: Session, *, conversation_id: str) -> bool:
    return session.scalar(
        select(Message.id).where(Message.conversation_id == conversation_id, Message.author == Author.BOT.value)
        .limit(1)
    ) is not None


def select_last_citizen_message(*, conversation_id: str) -> Select[Message]:
    return (select(Message).where(Message.conversation_id == conversation_id, Message.author == Author.CITIZEN.value)
            .order_by(Message.id.desc()).limit(1))
