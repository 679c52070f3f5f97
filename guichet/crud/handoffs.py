"""The handoff lifecycle: waiting -> assigned -> resolved, with transfers, reopening and history."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from guichet.crud import routing
from guichet.crud.conversations import NotFound
from guichet.models import Conversation, Department, Handoff, HandoffEvent, HandoffStatus, Owner, utcnow
from guichet.models.handoff import OPEN_CONDITION, OPEN_STATUSES
from guichet.opening_hours import OpeningHours
from guichet.settings import Settings

logger = logging.getLogger(__name__)

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class Conflict(RuntimeError):
    pass


REFERENCE_TRIES = 20  # 32^5 references: past a few thousand handoffs a drawn one may already be taken


def new_reference() -> str:
    return "G-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(5))


def unused_reference(session: Session) -> str:
    """A reference no handoff has yet (drawn again on a collision, which the unique column would refuse)."""
    for _ in range(REFERENCE_TRIES):
        reference = new_reference()
        if session.scalar(select(Handoff.id).where(Handoff.reference == reference)) is None:
            return reference
    raise RuntimeError(f"no unused handoff reference after {REFERENCE_TRIES} draws")


def record(session: Session, *, handoff: Handoff, actor: str, action: str, from_status: str | None,
           to_status: str | None, detail: dict[str, Any] | None = None) -> None:
    session.add(HandoffEvent(handoff_id=handoff.id, actor=actor, action=action, from_status=from_status,
                             to_status=to_status, detail=detail))


def open_handoff_of(session: Session, *, conversation_id: str) -> Handoff | None:
    return session.scalar(
        select(Handoff).where(Handoff.conversation_id == conversation_id, Handoff.status.in_(OPEN_STATUSES))
        .order_by(Handoff.id.desc()).limit(1)
    )


def department_or_default(session: Session, *, slug: str | None) -> str:
    if slug and session.get(Department, slug) is not None:
        return slug
    return routing.GENERAL


def create_handoff(
    session: Session, *, conversation: Conversation, department: str | None, reason: str, summary: str,
    hours: OpeningHours, first_response_hours: float, reopen_window: timedelta,
    details: dict[str, Any] | None = None, actor: str = "bot", now: datetime | None = None,
) -> tuple[Handoff, bool]:
    """The conversation's open handoff, a recently resolved one reopened, or a new one; and whether it is new."""
    moment = now or utcnow()
    existing = open_handoff_of(session, conversation_id=conversation.id)
    if existing is not None:
        return existing, False
    recent = session.scalar(
        select(Handoff).where(Handoff.conversation_id == conversation.id,
                              Handoff.status == HandoffStatus.RESOLVED.value,
                              Handoff.resolved_at >= moment - reopen_window)
        .order_by(Handoff.id.desc()).limit(1)
    )
    conversation.owner = Owner.QUEUE.value
    if recent is not None:
        previous = recent.status
        if not routing.can_take(session, recent.agent_id):
            recent.agent_id = None
        recent.status = HandoffStatus.WAITING.value if recent.agent_id is None else HandoffStatus.ASSIGNED.value
        if recent.agent_id is not None:
            conversation.owner = Owner.AGENT.value
            recent.assigned_at = moment
        recent.resolved_at = None
        recent.updated_at = moment
        recent.first_response_due = hours.first_response_due(moment, first_response_hours)
        recent.first_response_at = None
        record(session, handoff=recent, actor=actor, action="reopen", from_status=previous,
               to_status=recent.status, detail={"reason": reason, "summary": summary})
        return recent, False
    target = routing.last_target(session, conversation_id=conversation.id)
    if target is not None and department_or_default(session, slug=department) == routing.GENERAL:
        department = target.department  # the bot named no department of its own: the last one
    handoff_id = _insert_unless_one_is_open(session, values=dict(
        reference=unused_reference(session), conversation_id=conversation.id, status=HandoffStatus.WAITING.value,
        department=department_or_default(session, slug=department), reason=reason, summary=summary[:2000],
        details=details, channel=conversation.channel, created_at=moment, updated_at=moment,
        first_response_due=hours.first_response_due(moment, first_response_hours),
    ))
    if handoff_id is None:
        opened_meanwhile = open_handoff_of(session, conversation_id=conversation.id)
        if opened_meanwhile is None:
            raise RuntimeError(f"conversation {conversation.id}: new handoff refused, yet none is open")
        logger.info("conversation %s: handoff %s was opened meanwhile by another writer; %s joins it",
                    conversation.id, opened_meanwhile.reference, actor)
        if opened_meanwhile.agent_id is not None:
            conversation.owner = Owner.AGENT.value
        return opened_meanwhile, False
    handoff = get_handoff(session, handoff_id=handoff_id)
    record(session, handoff=handoff, actor=actor, action="create", from_status=None,
           to_status=HandoffStatus.WAITING.value, detail={"reason": reason, "department": handoff.department})
    if target is not None and target.agent_id is not None:
        routing.assign(session, handoff=handoff, agent_id=target.agent_id, actor=actor, now=moment)
    return handoff, True


def _insert_unless_one_is_open(session: Session, *, values: dict[str, Any]) -> int | None:
    """The new handoff's id, or None when another transaction opened one for the conversation first: the
    unique index on open handoffs decides, so two writers racing (the action server and the gateway's
    fallback after a restart) cannot both open one."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (insert(Handoff).values(**values)
                 .on_conflict_do_nothing(index_elements=[Handoff.conversation_id], index_where=OPEN_CONDITION)
                 .returning(Handoff.id))
    return session.scalar(statement)


def get_handoff(session: Session, *, handoff_id: int) -> Handoff:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise NotFound(f"handoff {handoff_id} does not exist")
    return handoff


# channels where a citizen is one account (the conversation's external_ref): X mentions and X DMs
SAME_ACCOUNT_CHANNELS = frozenset({"x_dm", "x_mention"})


def same_citizen(asking: Conversation, owner: Conversation) -> bool:
    """The same conversation, or the same X account whether it wrote in public or in private."""
    if asking.id == owner.id:
        return True
    return (asking.external_ref is not None and asking.external_ref == owner.external_ref
            and {asking.channel, owner.channel} <= SAME_ACCOUNT_CHANNELS)


def request_of(session: Session, *, reference: str, conversation_id: str) -> Handoff:
    """The request ``reference`` if it belongs to the citizen of ``conversation_id``.

    NotFound, with the same words, whether the reference does not exist or is someone else's: a citizen
    cannot learn anything about another's request by guessing references.
    """
    handoff = session.scalar(select(Handoff).where(Handoff.reference == reference.upper()))
    asking = session.get(Conversation, conversation_id)
    owner = session.get(Conversation, handoff.conversation_id) if handoff is not None else None
    if handoff is None or owner is None or asking is None or not same_citizen(asking, owner):
        raise NotFound(f"request {reference!r}: no such request in conversation {conversation_id!r}")
    return handoff


def claim(session: Session, *, handoff_id: int, agent_id: int, actor: str) -> Handoff:
    """Atomic: of many agents claiming at once, exactly one conditional update matches."""
    handoff = get_handoff(session, handoff_id=handoff_id)
    moment = utcnow()
    result = session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status == HandoffStatus.WAITING.value)
        .values(status=HandoffStatus.ASSIGNED.value, agent_id=agent_id, updated_at=moment, assigned_at=moment,
                flag=None)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        session.rollback()
        session.refresh(handoff)
        raise Conflict(f"handoff {handoff_id} is {handoff.status}"
                       + (f" and held by agent {handoff.agent_id}" if handoff.agent_id else ""))
    session.refresh(handoff)
    conversation = session.get(Conversation, handoff.conversation_id)
    if conversation is not None:
        conversation.owner = Owner.AGENT.value
    record(session, handoff=handoff, actor=actor, action="claim", from_status=HandoffStatus.WAITING.value,
           to_status=HandoffStatus.ASSIGNED.value)
    return handoff


def require_holder(handoff: Handoff, *, agent_id: int, is_admin: bool = False) -> None:
    if handoff.status == HandoffStatus.RESOLVED.value:
        raise Conflict(f"handoff {handoff.id} is resolved")
    if handoff.status == HandoffStatus.WAITING.value:
        raise Conflict(f"handoff {handoff.id} is waiting: claim it first")
    if handoff.agent_id != agent_id and not is_admin:
        raise Conflict(f"handoff {handoff.id} is held by agent {handoff.agent_id}")


def require_may_close(handoff: Handoff, *, action: str, agent_id: int, is_admin: bool = False) -> None:
    """Resolving needs the holder; returning to the bot needs the holder once an agent has claimed it
    (a waiting handoff may be returned by any agent)."""
    if action == "return_to_bot" and handoff.status == HandoffStatus.WAITING.value:
        return
    require_holder(handoff, agent_id=agent_id, is_admin=is_admin)


def note_first_response(handoff: Handoff, *, now: datetime | None = None) -> None:
    if handoff.first_response_at is None:
        handoff.first_response_at = now or utcnow()


def resolve(session: Session, *, handoff: Handoff, actor: str, to_bot: bool = True,
            action: str = "resolve") -> Handoff:
    previous = handoff.status
    if previous == HandoffStatus.RESOLVED.value:
        raise Conflict(f"handoff {handoff.id} is already resolved")
    moment = utcnow()
    handoff.status = HandoffStatus.RESOLVED.value
    handoff.resolved_at = moment
    handoff.updated_at = moment
    conversation = session.get(Conversation, handoff.conversation_id)
    if conversation is not None and to_bot:
        conversation.owner = Owner.BOT.value
    record(session, handoff=handoff, actor=actor, action=action, from_status=previous,
           to_status=HandoffStatus.RESOLVED.value)
    return handoff


def transfer(session: Session, *, handoff: Handoff, actor: str, department: str | None = None,
             agent_id: int | None = None) -> Handoff:
    if handoff.status == HandoffStatus.RESOLVED.value:
        raise Conflict(f"handoff {handoff.id} is resolved")
    if department is not None and session.get(Department, department) is None:
        raise NotFound(f"department {department!r} does not exist")
    previous = handoff.status
    detail: dict[str, Any] = {"from_department": handoff.department, "from_agent": handoff.agent_id}
    if department is not None:
        handoff.department = department
    handoff.agent_id = agent_id
    handoff.status = HandoffStatus.ASSIGNED.value if agent_id else HandoffStatus.WAITING.value
    handoff.updated_at = utcnow()
    handoff.assigned_at = handoff.updated_at if agent_id else None
    conversation = session.get(Conversation, handoff.conversation_id)
    if conversation is not None:
        conversation.owner = Owner.AGENT.value if agent_id else Owner.QUEUE.value
    detail.update({"to_department": handoff.department, "to_agent": agent_id})
    record(session, handoff=handoff, actor=actor, action="transfer", from_status=previous,
           to_status=handoff.status, detail=detail)
    return handoff


def queue(session: Session, *, status: str | None = None, department: str | None = None,
          channel: str | None = None, breached: bool | None = None, limit: int = 200) -> list[Handoff]:
    wanted = (Handoff.status == status) if status else Handoff.status.in_(OPEN_STATUSES)
    query = select(Handoff).where(wanted)
    if department:
        query = query.where(Handoff.department == department)
    if channel:
        query = query.where(Handoff.channel == channel)
    if breached is not None:
        now = utcnow()
        late = (Handoff.first_response_at.is_(None) & (Handoff.first_response_due < now)) | (
            Handoff.first_response_at.is_not(None) & (Handoff.first_response_at > Handoff.first_response_due))
        query = query.where(late if breached else ~late)
    return list(session.scalars(query.order_by(Handoff.first_response_due, Handoff.id).limit(limit)))


def is_breached(handoff: Handoff, *, now: datetime | None = None) -> bool:
    if handoff.first_response_at is not None:
        return handoff.first_response_at > handoff.first_response_due
    return (now or utcnow()) > handoff.first_response_due


def open_handoff(session: Session, *, conversation: Conversation, settings: Settings, hours: OpeningHours,
                 department: str | None, reason: str, summary: str, details: dict[str, Any] | None = None,
                 actor: str) -> tuple[Handoff, bool]:
    """The one way to hand a conversation to a person (the action server's call, the gateway when the action
    could not make it, a message given up): the deadlines and reopening window from the settings."""
    return create_handoff(session, conversation=conversation, department=department, reason=reason,
                          summary=summary, details=details, hours=hours,
                          first_response_hours=settings.first_response_hours,
                          reopen_window=timedelta(hours=settings.reopen_window_hours), actor=actor)
