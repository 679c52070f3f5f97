"""Sending a reply to a citizen, the one way: the message stored, and an outbox item unless it is the web chat.

The web chat reads its replies from the database (the HTTP response and the event stream); every other channel
gets its reply delivered by the outbox worker (gateway/outbox.py), threaded under the citizen's message.
Used by the gateway (the bot's replies), the channels (a fixed answer) and the agents' replies (services).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from guichet.crud.conversations import add_outgoing, select_last_citizen_message
from guichet.events import publish_on_commit
from guichet.models import Author, Conversation, Message, OutboxItem

UNDELIVERED_CHANNELS = frozenset({"webchat"})  # read from the database, never sent by the outbox


def send_reply(session: Session, *, conversation: Conversation, author: Author, text: str, kind: str,
               answering: Message | None = None, faq_id: str | None = None, payload: dict[str, Any] | None = None,
               agent_id: int | None = None, delivery: dict[str, Any] | None = None) -> Message:
    """Store ``text`` and queue its delivery; ``answering`` is the citizen message it answers (the bot's case),
    otherwise it is threaded under the citizen's last message. ``delivery``: channel options for the outbox."""
    saved = add_outgoing(session, conversation=conversation, author=author, text=text, kind=kind, faq_id=faq_id,
                         payload=payload, agent_id=agent_id, reply_to_id=answering.id if answering else None)
    if conversation.channel not in UNDELIVERED_CHANNELS:
        target = answering or session.scalar(select_last_citizen_message(conversation_id=conversation.id))
        session.add(OutboxItem(conversation_id=conversation.id, message_id=saved.id, channel=conversation.channel,
                               payload={"text": text, "reply_to": target.external_id if target else None,
                                        **(delivery or {})}))
    publish_on_commit(session, f"conversation:{conversation.id}", {"type": "message", "id": saved.id})
    return saved
