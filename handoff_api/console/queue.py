"""``/console``: the agents' queue, filtered and searched, due first, paginated, refreshed live (server-sent events)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from guichet.crud import conversations as conv_crud
from guichet.crud import handoffs as crud
from guichet.crud import search
from guichet.models import Agent, Department, Handoff, Message, utcnow
from handoff_api.committed_route import CommittedRoute
from handoff_api.console.access import ConsoleAgent
from handoff_api.console.templating import CHANNEL_FR, STATUS_FR, render
from handoff_api.deps import SessionDep

router = APIRouter(prefix="/console", tags=["console"], include_in_schema=False, route_class=CommittedRoute)
PAGE_SIZE = 50

GIVEN_UP_SHOWN = timedelta(days=7)


@dataclass(frozen=True)
class QueueFilters:
    department: str = ""
    status: str = ""
    channel: str = ""
    breached: str = ""
    q: str = ""
    date_from: str = ""
    date_to: str = ""

    @classmethod
    def read(cls, department: str | None, status: str | None, channel: str | None, breached: str | None,
             q: str | None = None, date_from: str | None = None, date_to: str | None = None) -> QueueFilters:
        """Unknown values are dropped rather than refused: a filter form cannot send a wrong one."""
        return cls(department=(department or "").strip()[:40],
                   status=status if status in STATUS_FR or status == search.ALL else "",
                   channel=channel if channel in CHANNEL_FR else "",
                   breached=breached if breached in ("1", "0") else "",
                   q=(q or "").strip()[:200], date_from=iso_day(date_from), date_to=iso_day(date_to))

    def query_string(self, **changes: str | int) -> str:
        return urlencode({k: v for k, v in {**self.__dict__, **changes}.items() if v})

    def query(self) -> search.HandoffQuery:
        return search.HandoffQuery(
            q=self.q if search.words(self.q) else "", status=self.status or None,
            department=self.department or None, channel=self.channel or None,
            breached=None if not self.breached else self.breached == "1",
            date_from=date.fromisoformat(self.date_from) if self.date_from else None,
            date_to=date.fromisoformat(self.date_to) if self.date_to else None)


def iso_day(text: str | None) -> str:
    try:
        return date.fromisoformat(text).isoformat() if text else ""
    except ValueError:
        return ""


def queue_context(request: Request, session: Session, filters: QueueFilters, page: int = 1) -> dict[str, Any]:
    found = search.find(session, filters.query(), zone=request.app.state.hours.zone, page=max(1, page),
                        per_page=PAGE_SIZE)
    agent_ids = {h.agent_id for h in found.handoffs if h.agent_id is not None}
    names = dict(session.execute(select(Agent.id, Agent.name).where(Agent.id.in_(agent_ids))).tuples().all())
    found_in = excerpts(session, found.handoffs, filters.q) if filters.q else {}
    rows = [{"handoff": h, "agent_name": names.get(h.agent_id or 0, ""), "breached": crud.is_breached(h),
             "excerpt": found_in.get(h.conversation_id, "")} for h in found.handoffs]
    return {"rows": rows, "filters": filters, "found": found}


def excerpts(session: Session, handoffs: list[Handoff], query: str, width: int = 120) -> dict[str, str]:
    """For each conversation, the start of the first message holding the query's first word (by its stem)."""
    tokens = [search.singular(token) for token in search.words(query)]
    if not tokens or not handoffs:
        return {}
    wanted = fold(tokens[0])
    found: dict[str, str] = {}
    messages = session.scalars(select(Message).where(Message.conversation_id.in_({h.conversation_id for h in handoffs}))
                               .order_by(Message.id))
    for message in messages:
        where = fold(message.text).find(wanted)
        if message.conversation_id not in found and where >= 0:
            start = max(0, where - width // 3)
            found[message.conversation_id] = ("…" if start else "") + message.text[start:start + width]
    return found


def fold(text: str) -> str:
    """Lower case without accents, one character for one (so positions match the original text)."""
    return "".join(unicodedata.normalize("NFD", ch.lower())[0] for ch in text)


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
               status: str | None = None, channel: str | None = None, breached: str | None = None,
               q: str | None = None, date_from: str | None = None, date_to: str | None = None,
               page: int = 1) -> Response:
    filters = QueueFilters.read(department, status, channel, breached, q, date_from, date_to)
    context = {**queue_context(request, session, filters, page), "departments": departments(session),
               "title": "File d'attente", "given_up": given_up(session)}
    return render(request, "console/queue.html", context)


@router.get("/queue/rows")
def queue_rows(request: Request, session: SessionDep, agent: ConsoleAgent, department: str | None = None,
               status: str | None = None, channel: str | None = None, breached: str | None = None,
               q: str | None = None, date_from: str | None = None, date_to: str | None = None,
               page: int = 1) -> Response:
    """The table body alone, fetched again by htmx when the filters change or an event arrives."""
    filters = QueueFilters.read(department, status, channel, breached, q, date_from, date_to)
    return render(request, "console/_queue_rows.html", queue_context(request, session, filters, page))
