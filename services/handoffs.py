"""What an agent does to a handoff, one way each, for the JSON API and the console alike.

Claim, reply, note, transfer, resolve and return to the bot: the checks (holder, length, unseen messages), the
change, the audit line and the events for the consoles. The routers (handoff_api/routers/handoffs.py) and the
console's forms (handoff_api/console/handoff_actions.py) only translate HTTP to these calls and back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from anyio import to_thread
from sqlalchemy.orm import Session, sessionmaker

from gateway.messages import Gateway
from guichet.contract.limits import check_length
from guichet.crud import agents as agent_crud
from guichet.crud import conversations as conv_crud
from guichet.crud import feedback as feedback_crud
from guichet.crud import handoffs as crud
from guichet.crud import unseen
from guichet.crud.conversations import NotFound
from guichet.crud.replies import send_reply
from guichet.events import publish_on_commit
from guichet.models import Agent, Author, Handoff, Message, Role

T = TypeVar("T")


class Refused(ValueError):
    """A request that cannot be done as asked (HTTP 422): the message names the field."""


EMPTY_TEXT = "text: must not be empty or only spaces"


def is_admin(agent: Agent) -> bool:
    return agent.role == Role.ADMIN.value


def claim(session: Session, *, handoff_id: int, agent: Agent) -> Handoff:
    handoff = crud.claim(session, handoff_id=handoff_id, agent_id=agent.id, actor=agent.name)
    agent_crud.audit(session, actor=agent.name, action="handoff.claim", target=f"handoff:{handoff_id}")
    publish_on_commit(session, "handoffs", {"type": "claim", "handoff_id": handoff_id})
    return handoff


def reply(session: Session, *, handoff_id: int, agent: Agent, text: str, seen_message_id: int | None = None,
          confirm: bool = False) -> tuple[Message, Handoff]:
    """The holder's (or an admin's) reply to the citizen; refused when the citizen wrote since ``seen_message_id``
    unless ``confirm``, or when it is too long for the channel."""
    handoff = crud.get_handoff(session, handoff_id=handoff_id)
    crud.require_holder(handoff, agent_id=agent.id, is_admin=is_admin(agent))
    text = text.strip()
    if not text:
        raise Refused(EMPTY_TEXT)
    check_length(handoff.channel, text)
    unseen.check_seen(session, handoff=handoff, seen_message_id=seen_message_id, confirm=confirm)
    conversation = conv_crud.get_conversation(session, conversation_id=handoff.conversation_id)
    message = send_reply(session, conversation=conversation, author=Author.AGENT, text=text, kind="agent",
                         agent_id=agent.id)
    crud.note_first_response(handoff)
    agent_crud.audit(session, actor=agent.name, action="handoff.reply", target=f"handoff:{handoff_id}")
    publish_on_commit(session, "handoffs", {"type": "reply", "handoff_id": handoff_id})
    return message, handoff


def note(session: Session, *, handoff_id: int, agent: Agent, text: str) -> Message:
    """A note for the other agents, never sent to the citizen."""
    handoff = crud.get_handoff(session, handoff_id=handoff_id)
    text = text.strip()
    if not text:
        raise Refused(EMPTY_TEXT)
    conversation = conv_crud.get_conversation(session, conversation_id=handoff.conversation_id)
    message = conv_crud.add_outgoing(session, conversation=conversation, author=Author.NOTE, text=text,
                                     kind="note", agent_id=agent.id)
    agent_crud.audit(session, actor=agent.name, action="handoff.note", target=f"handoff:{handoff_id}")
    return message


def transfer(session: Session, *, handoff_id: int, agent: Agent, department: str | None,
             agent_id: int | None) -> Handoff:
    if department is None and agent_id is None:
        raise Refused("transfer needs a department or an agent_id")
    if agent_id is not None and session.get(Agent, agent_id) is None:
        raise NotFound(f"agent {agent_id} does not exist")
    handoff = crud.get_handoff(session, handoff_id=handoff_id)
    crud.transfer(session, handoff=handoff, actor=agent.name, department=department, agent_id=agent_id)
    agent_crud.audit(session, actor=agent.name, action="handoff.transfer", target=f"handoff:{handoff_id}",
                     detail={"department": department, "agent_id": agent_id})
    publish_on_commit(session, "handoffs", {"type": "transfer", "handoff_id": handoff_id})
    return handoff


def _close(factory: sessionmaker[Session], handoff_id: int, agent_name: str, agent_id: int, admin: bool,
           action: str, view: Callable[[Handoff], T]) -> tuple[str, T]:
    """In a worker thread: a write waiting for the database lock must not hold the event loop."""
    with factory.begin() as session:
        handoff = crud.get_handoff(session, handoff_id=handoff_id)
        crud.require_may_close(handoff, action=action, agent_id=agent_id, is_admin=admin)
        crud.resolve(session, handoff=handoff, actor=agent_name, action=action)
        if action == "resolve":  # a person helped: the citizen may rate it (not on a return to the bot)
            feedback_crud.ask_rating(session, handoff=handoff)
        agent_crud.audit(session, actor=agent_name, action=f"handoff.{action}", target=f"handoff:{handoff_id}")
        publish_on_commit(session, "handoffs", {"type": action, "handoff_id": handoff_id})
        return handoff.conversation_id, view(handoff)


async def close(factory: sessionmaker[Session], gateway: Gateway, *, handoff_id: int, agent: Agent, action: str,
                view: Callable[[Handoff], T]) -> T:
    """Resolve (``action="resolve"``) or return to the bot (``"return_to_bot"``): the conversation goes back to
    the bot, and Rasa is told to listen again. ``view`` reads what the caller shows while the session is open."""
    conversation_id, shown = await to_thread.run_sync(_close, factory, handoff_id, agent.name, agent.id,
                                                      is_admin(agent), action, view)
    await gateway.resume_bot(conversation_id)
    return shown
