"""What the outgoing webhook has to send: handoff events and agents' replies not sent yet.

Ids are not a safe cursor on their own: on PostgreSQL a transaction can take an id, then commit after
another one that took a higher id (and SQLite or PostgreSQL never reuse one). So the state
(``KeyValue("webhook_cursor")``) is a low-water mark per kind (``event``: ``handoff_events.id``, ``message``:
``messages.id``) below which everything is settled, plus the ids above it already sent, with when.
A row is due when its id is above the mark and not in the sent set: a late commit is found on the next
read and sent once. The mark moves up to a sent id once ``SETTLE`` has passed since it was sent and no
row below it is still due: any transaction that had taken a lower id then has been open longer than
``SETTLE``, so it has committed (and was seen) or rolled back. The mark starts at the end of the tables
the first time, so a city plugging its ticketing tool in gets no backlog.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guichet.models import Agent, Author, Handoff, HandoffEvent, KeyValue, Message, utcnow

CURSOR_KEY = "webhook_cursor"
KINDS = ("event", "message")
# longer than any transaction that writes a handoff event or an agent's reply stays open
SETTLE = timedelta(minutes=5)
EVENT_NAMES = {"create": "handoff.created", "reopen": "handoff.reopened", "claim": "handoff.claimed",
               "transfer": "handoff.transferred", "resolve": "handoff.resolved", "return_to_bot": "handoff.resolved",
               "route": "handoff.routed", "unassign": "handoff.unassigned"}

# (kind "event"|"message", row id, JSON body; None for a row with nothing to send, only to mark as done)
Pending = tuple[str, int, dict[str, Any] | None]


def _state(stored: KeyValue | None) -> dict[str, Any]:
    value = dict(stored.value) if stored is not None else {}
    sent = value.get("sent") or {}
    return {**{kind: int(value.get(kind, 0)) for kind in KINDS},
            "sent": {kind: {str(k): str(v) for k, v in (sent.get(kind) or {}).items()} for kind in KINDS}}


def read_cursor(session: Session) -> dict[str, Any]:
    """The state, created (and committed) at the current end of the tables if there is none yet."""
    stored = session.get(KeyValue, CURSOR_KEY)
    if stored is not None:
        return _state(stored)
    start = {"event": int(session.scalar(select(func.max(HandoffEvent.id))) or 0),
             "message": int(session.scalar(select(func.max(Message.id))) or 0)}
    state = _state(None) | start
    session.add(KeyValue(key=CURSOR_KEY, value=state, updated_at=utcnow()))
    session.commit()
    return state


def _lowest_due(session: Session, *, kind: str, mark: int, sent: set[int]) -> int | None:
    if kind == "event":
        query = select(func.min(HandoffEvent.id)).where(HandoffEvent.id > mark, HandoffEvent.id.notin_(sent))
    else:
        query = select(func.min(Message.id)).where(Message.id > mark, Message.id.notin_(sent),
                                                   Message.author == Author.AGENT.value)
    found = session.scalar(query)
    return None if found is None else int(found)


def _settle(session: Session, *, state: dict[str, Any], kind: str, now: datetime) -> None:
    sent: dict[str, str] = state["sent"][kind]
    lowest_due = _lowest_due(session, kind=kind, mark=state[kind], sent={int(i) for i in sent})
    settled = [int(i) for i, at in sent.items() if datetime.fromisoformat(at) <= now - SETTLE
               and (lowest_due is None or int(i) < lowest_due)]
    if settled:
        state[kind] = max(state[kind], *settled)
        state["sent"][kind] = {i: at for i, at in sent.items() if int(i) > state[kind]}


def _save(session: Session, stored: KeyValue | None, state: dict[str, Any], now: datetime) -> None:
    if stored is None:
        session.add(KeyValue(key=CURSOR_KEY, value=state, updated_at=now))
    else:
        stored.value, stored.updated_at = state, now


def advance_cursor(session: Session, *, kind: str, row_id: int) -> None:
    """Note ``row_id`` as sent; move the mark past the sent ids that have settled."""
    stored = session.get(KeyValue, CURSOR_KEY)
    state, now = _state(stored), utcnow()
    if row_id > state[kind]:
        state["sent"][kind].setdefault(str(row_id), now.isoformat())
    _settle(session, state=state, kind=kind, now=now)
    _save(session, stored, state, now)


def settle_cursor(session: Session) -> None:
    """Move the marks past the sent ids that have settled (the sent set stays small when all is quiet)."""
    stored = session.get(KeyValue, CURSOR_KEY)
    state, now = _state(stored), utcnow()
    if not any(state["sent"][kind] for kind in KINDS):
        return
    for kind in KINDS:
        _settle(session, state=state, kind=kind, now=now)
    _save(session, stored, state, now)


def handoff_data(handoff: Handoff, names: dict[int, str]) -> dict[str, Any]:
    return {"id": handoff.id, "reference": handoff.reference, "status": handoff.status,
            "department": handoff.department, "channel": handoff.channel, "reason": handoff.reason,
            "summary": handoff.summary, "agent": names.get(handoff.agent_id or 0),
            "created_at": handoff.created_at.isoformat(), "first_response_due": handoff.first_response_due.isoformat()}


def pending_deliveries(session: Session, *, limit: int = 100) -> list[Pending]:
    """Every event not sent yet, oldest first, as the JSON body the receiver gets."""
    cursor = read_cursor(session)
    sent = {kind: {int(i) for i in cursor["sent"][kind]} for kind in KINDS}
    names = dict(session.execute(select(Agent.id, Agent.name)).tuples().all())
    found: list[tuple[Any, str, int, dict[str, Any] | None]] = []
    for event in session.scalars(select(HandoffEvent).where(HandoffEvent.id > cursor["event"],
                                                            HandoffEvent.id.notin_(sent["event"]))
                                 .order_by(HandoffEvent.id).limit(limit)):
        body = {"id": f"evt-{event.id}", "event": EVENT_NAMES.get(event.action, f"handoff.{event.action}"),
                "occurred_at": event.created_at.isoformat(), "actor": event.actor,
                "from_status": event.from_status, "to_status": event.to_status, "detail": event.detail,
                "handoff": handoff_data(event.handoff, names)}
        found.append((event.created_at, "event", event.id, body))
    for message in session.scalars(select(Message).where(Message.id > cursor["message"],
                                                         Message.id.notin_(sent["message"]),
                                                         Message.author == Author.AGENT.value)
                                   .order_by(Message.id).limit(limit)):
        handoff = session.scalar(select(Handoff).where(Handoff.conversation_id == message.conversation_id,
                                                       Handoff.created_at <= message.created_at)
                                 .order_by(Handoff.id.desc()).limit(1))
        if handoff is None:
            found.append((message.created_at, "message", message.id, None))
            continue
        body = {"id": f"msg-{message.id}", "event": "handoff.replied",
                "occurred_at": message.created_at.isoformat(), "actor": names.get(message.agent_id or 0),
                "message": {"id": message.id, "text": message.text}, "handoff": handoff_data(handoff, names)}
        found.append((message.created_at, "message", message.id, body))
    found.sort(key=lambda item: (item[0], item[2]))
    return [(kind, row_id, body) for _, kind, row_id, body in found]
