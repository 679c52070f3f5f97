"""``/console``: the agents' queue, filtered, due first, refreshed live by server-sent events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from handoff_api.console.access import ConsoleAgent
from handoff_api.console.templating import CHANNEL_FR, STATUS_FR, render
from handoff_api.crud import conversations as conv_crud
from handoff_api.crud import handoffs as crud
from handoff_api.deps import SessionDep
from handoff_api.models import Agent, Department, Handoff, utcnow

router = APIRouter(prefix="/console", tags=["console"], include_in_schema=False)

GIVEN_UP_SHOWN = timedelta(days=7)


@dataclass(frozen=True)
class QueueFilters:
    department: str = ""
    status: str = ""
    channel: str = ""
    breached: str = ""

    @classmethod
    def read(cls, department: str | None, status: str | None, channel: str | None,
             breached: str | None) -> QueueFilters:
        """Unknown values are dropped rather than refused: a filter form cannot send a wrong one."""
        return cls(department=(department or "").strip()[:40],
                   status=status if status in STATUS_FR else "",
                   channel=channel if channel in CHANNEL_FR else "",
                   breached=breached if breached in ("1", "0") else "")

    def query_string(self) -> str:
        return urlencode({k: v for k, v in self.__dict__.items() if v})


def queue_context(session: Session, filters: QueueFilters) -> dict[str, Any]:
    handoffs = crud.queue(session, status=filters.status or None, department=filters.department or None,
                          channel=filters.channel or None)
    if filters.breached:  # filtered here: crud.queue's SQL "not breached" drops rows with no first response
        handoffs = [h for h in handoffs if crud.is_breached(h) == (filters.breached == "1")]
    agent_ids = {h.agent_id for h in handoffs if h.agent_id is not None}
    names = dict(session.execute(select(Agent.id, Agent.name).where(Agent.id.in_(agent_ids))).tuples().all())
    rows = [{"handoff": h, "agent_name": names.get(h.agent_id or 0, ""), "breached": crud.is_breached(h)}
            for h in handoffs]
    return {"rows": rows, "filters": filters}


def departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.name)))


def given_up(session: Session) -> list[dict[str, Any]]:
    """Citizen messages the assistant gave up on (recovery's attempts exhausted) in the last days, each with
    its conversation's latest handoff if one was opened."""
    rows = []
    for message in conv_crud.failed_inbound(session, since=utcnow() - GIVEN_UP_SHOWN):
        handoff = session.scalar(select(Handoff).where(Handoff.conversation_id == message.conversation_id)
                                 .order_by(Handoff.id.desc()).limit(1))
        rows.append({"message": message, "handoff": handoff})
    return rows


@router.get("")
def queue_page(request: Request, session: SessionDep, agent: ConsoleAgent, department: str | None = None,
               status: str | None = None, channel: str | None = None, breached: str | None = None) -> Response:
    filters = QueueFilters.read(department, status, channel, breached)
    context = {**queue_context(session, filters), "departments": departments(session), "title": "File d'attente",
               "given_up": given_up(session)}
    return render(request, "console/queue.html", context)


@router.get("/queue/rows")
def queue_rows(request: Request, session: SessionDep, agent: ConsoleAgent, department: str | None = None,
               status: str | None = None, channel: str | None = None, breached: str | None = None) -> Response:
    """The table body alone, fetched again by htmx when the filters change or an event arrives."""
    filters = QueueFilters.read(department, status, channel, breached)
    return render(request, "console/_queue_rows.html", queue_context(session, filters))
