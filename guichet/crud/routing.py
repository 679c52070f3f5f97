"""Routing rules: a conversation that comes back goes to its last agent (if available) and to its last
department unless the bot named another one; an assigned handoff whose agent stays silent goes back to the
queue, flagged ``silent``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from guichet.models import (
    Agent,
    Author,
    Conversation,
    Handoff,
    HandoffEvent,
    HandoffStatus,
    Message,
    Owner,
    Role,
    utcnow,
)
from guichet.opening_hours import OpeningHours

SILENT = "silent"
GENERAL = "accueil"
"""The department a handoff goes to when nobody named one."""
ROUTABLE_ROLES = (Role.AGENT.value, Role.ADMIN.value)


@dataclass(frozen=True)
class Target:
    department: str | None
    agent_id: int | None


def can_take(session: Session, agent_id: int | None) -> bool:
    """An active agent (or admin) who has not set themselves away."""
    agent = session.get(Agent, agent_id) if agent_id is not None else None
    return agent is not None and agent.active and agent.available and agent.role in ROUTABLE_ROLES


def last_target(session: Session, *, conversation_id: str) -> Target | None:
    """Where the conversation's last handoff went: its department, and its agent if they can take it.
    ``None`` for a conversation's first handoff."""
    previous = session.scalar(select(Handoff).where(Handoff.conversation_id == conversation_id)
                              .order_by(Handoff.id.desc()).limit(1))
    if previous is None:
        return None
    return Target(department=previous.department,
                  agent_id=previous.agent_id if can_take(session, previous.agent_id) else None)


def assign(session: Session, *, handoff: Handoff, agent_id: int, actor: str, now: datetime) -> None:
    """Give a waiting handoff straight to ``agent_id`` (its last agent)."""
    handoff.status, handoff.agent_id, handoff.assigned_at, handoff.updated_at = (
        HandoffStatus.ASSIGNED.value, agent_id, now, now)
    conversation = session.get(Conversation, handoff.conversation_id)
    if conversation is not None:
        conversation.owner = Owner.AGENT.value
    session.add(HandoffEvent(handoff_id=handoff.id, actor=actor, action="route", from_status="waiting",
                             to_status="assigned", detail={"to_agent": agent_id, "rule": "last_agent"}))


def return_silent(session: Session, *, hours: OpeningHours, minutes: float,
                  now: datetime | None = None) -> list[Handoff]:
    """Assigned handoffs with no agent reply ``minutes`` opening minutes after assignment: back to the queue,
    flagged ``silent``. Returns them."""
    moment = now or utcnow()
    replied = exists().where(Message.conversation_id == Handoff.conversation_id,
                             Message.author == Author.AGENT.value, Message.created_at >= Handoff.assigned_at)
    candidates = session.scalars(select(Handoff).where(Handoff.status == HandoffStatus.ASSIGNED.value,
                                                       Handoff.assigned_at.is_not(None), ~replied)
                                 .with_for_update(skip_locked=True))  # two instances never return one twice
    returned = []
    for handoff in candidates:
        assert handoff.assigned_at is not None
        if hours.add_open_hours(handoff.assigned_at, minutes / 60) > moment:
            continue
        session.add(HandoffEvent(handoff_id=handoff.id, actor="routing", action="unassign", from_status="assigned",
                                 to_status="waiting", detail={"from_agent": handoff.agent_id, "rule": SILENT,
                                                              "minutes": minutes}))
        handoff.status, handoff.agent_id, handoff.assigned_at = HandoffStatus.WAITING.value, None, None
        handoff.flag, handoff.updated_at = SILENT, moment
        conversation = session.get(Conversation, handoff.conversation_id)
        if conversation is not None:
            conversation.owner = Owner.QUEUE.value
        returned.append(handoff)
    session.flush()
    return returned
