"""What the outgoing webhook has to send: handoff events and agents' replies after a stored cursor.

The cursor (``KeyValue("webhook_cursor")``: the last ``handoff_events.id`` and ``messages.id`` sent) starts
at the end of the tables the first time, so a city plugging its ticketing tool in gets no backlog.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handoff_api.models import Agent, Author, Handoff, HandoffEvent, KeyValue, Message, utcnow

CURSOR_KEY = "webhook_cursor"
EVENT_NAMES = {"create": "handoff.created", "reopen": "handoff.reopened", "claim": "handoff.claimed",
               "transfer": "handoff.transferred", "resolve": "handoff.resolved", "return_to_bot": "handoff.resolved",
               "route": "handoff.routed", "unassign": "handoff.unassigned"}

Pending = tuple[str, int, dict[str, Any]]  # (cursor kind "event"|"message", row id, JSON body)


def read_cursor(session: Session) -> dict[str, int]:
    """The cursor, created (and committed) at the current end of the tables if there is none yet."""
    stored = session.get(KeyValue, CURSOR_KEY)
    if stored is not None:
        return {"event": int(stored.value["event"]), "message": int(stored.value["message"])}
    start = {"event": int(session.scalar(select(func.max(HandoffEvent.id))) or 0),
             "message": int(session.scalar(select(func.max(Message.id))) or 0)}
    session.add(KeyValue(key=CURSOR_KEY, value=start, updated_at=utcnow()))
    session.commit()
    return start


def advance_cursor(session: Session, *, kind: str, row_id: int) -> None:
    stored = session.get(KeyValue, CURSOR_KEY)
    value = dict(stored.value) if stored is not None else {"event": 0, "message": 0}
    value[kind] = max(int(value.get(kind, 0)), row_id)
    if stored is None:
        session.add(KeyValue(key=CURSOR_KEY, value=value, updated_at=utcnow()))
    else:
        stored.value, stored.updated_at = value, utcnow()


def handoff_data(handoff: Handoff, names: dict[int, str]) -> dict[str, Any]:
    return {"id": handoff.id, "reference": handoff.reference, "status": handoff.status,
            "department": handoff.department, "channel": handoff.channel, "reason": handoff.reason,
            "summary": handoff.summary, "agent": names.get(handoff.agent_id or 0),
            "created_at": handoff.created_at.isoformat(), "first_response_due": handoff.first_response_due.isoformat()}


def pending_deliveries(session: Session, *, limit: int = 100) -> list[Pending]:
    """Every event after the cursor, oldest first, as the JSON body the receiver gets."""
    cursor = read_cursor(session)
    names = dict(session.execute(select(Agent.id, Agent.name)).tuples().all())
    found: list[tuple[Any, str, int, dict[str, Any]]] = []
    for event in session.scalars(select(HandoffEvent).where(HandoffEvent.id > cursor["event"])
                                 .order_by(HandoffEvent.id).limit(limit)):
        body = {"id": f"evt-{event.id}", "event": EVENT_NAMES.get(event.action, f"handoff.{event.action}"),
                "occurred_at": event.created_at.isoformat(), "actor": event.actor,
                "from_status": event.from_status, "to_status": event.to_status, "detail": event.detail,
                "handoff": handoff_data(event.handoff, names)}
        found.append((event.created_at, "event", event.id, body))
    for message in session.scalars(select(Message).where(Message.id > cursor["message"],
                                                         Message.author == Author.AGENT.value)
                                   .order_by(Message.id).limit(limit)):
        handoff = session.scalar(select(Handoff).where(Handoff.conversation_id == message.conversation_id,
                                                       Handoff.created_at <= message.created_at)
                                 .order_by(Handoff.id.desc()).limit(1))
        if handoff is None:
            continue
        body = {"id": f"msg-{message.id}", "event": "handoff.replied",
                "occurred_at": message.created_at.isoformat(), "actor": names.get(message.agent_id or 0),
                "message": {"id": message.id, "text": message.text}, "handoff": handoff_data(handoff, names)}
        found.append((message.created_at, "message", message.id, body))
    found.sort(key=lambda item: (item[0], item[2]))
    return [(kind, row_id, body) for _, kind, row_id, body in found]
