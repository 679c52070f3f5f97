"""From a channel to the gateway: find the citizen's conversation, store the message, route it (or not)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from anyio import to_thread
from sqlalchemy.orm import Session, sessionmaker

from gateway.messages import Gateway
from guichet.crud import conversations as conv_crud
from guichet.crud import handoffs as handoff_crud
from guichet.crud.replies import send_reply
from guichet.db import session_scope
from guichet.models import Author, Owner


@dataclass(frozen=True)
class Inbound:
    """One citizen message: ``citizen`` is their id on the channel (the conversation's ``external_ref``)."""

    channel: str
    citizen: str
    handle: str | None
    external_id: str
    text: str
    payload: dict[str, Any] = field(default_factory=dict)


def conversation_of(factory: sessionmaker[Session], inbound: Inbound) -> str:
    with session_scope(factory) as session:
        conversation = conv_crud.conversation_for_ref(session, channel=inbound.channel, external_ref=inbound.citizen,
                                                      citizen_handle=inbound.handle)
        return conversation.id


async def route(gateway: Gateway, inbound: Inbound) -> bool:
    """Store and route through the gateway (bot or agent); False when it had been received before."""
    conversation_id = await to_thread.run_sync(conversation_of, gateway.session_factory, inbound)
    outcome = await gateway.receive(conversation_id=conversation_id, text=inbound.text, channel=inbound.channel,
                                    external_id=inbound.external_id, payload=inbound.payload)
    return not outcome.duplicate


async def keep(gateway: Gateway, inbound: Inbound, *, reply: str | None = None,
               options: dict[str, Any] | None = None) -> bool:
    """Store without showing it to the bot, answering ``reply`` through the outbox; False when seen before."""
    stored = await to_thread.run_sync(_keep, gateway.session_factory, inbound, reply, options or {})
    if stored is None:
        return False
    conversation_id, handoff_id, owner = stored
    gateway.events.publish(f"conversation:{conversation_id}", {"type": "message"})
    if owner != Owner.BOT.value:
        gateway.events.publish("handoffs", {"type": "message", "handoff_id": handoff_id,
                                            "conversation_id": conversation_id})
    return True


def _keep(factory: sessionmaker[Session], inbound: Inbound, reply: str | None,
          options: dict[str, Any]) -> tuple[str, int | None, str] | None:
    with session_scope(factory) as session:
        conversation = conv_crud.conversation_for_ref(session, channel=inbound.channel, external_ref=inbound.citizen,
                                                      citizen_handle=inbound.handle)
        message = conv_crud.add_inbound(session, conversation=conversation, text=inbound.text,
                                        channel=inbound.channel, external_id=inbound.external_id,
                                        payload=inbound.payload)
        if message is None:
            return None
        conv_crud.mark_handled(session, message=message)
        if reply is not None:
            send_reply(session, conversation=conversation, author=Author.BOT, text=reply, kind="info",
                       answering=message, payload={"suggestions": [], "handoff": None}, delivery=options)
        handoff = handoff_crud.open_handoff_of(session, conversation_id=conversation.id)
        return conversation.id, handoff.id if handoff else None, conversation.owner
