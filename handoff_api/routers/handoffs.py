"""The agents' queue: list, claim, reply, transfer, resolve, return to the bot."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from guichet.crud import conversations as conv_crud
from guichet.crud import handoffs as crud
from guichet.crud import search
from guichet.db import session_scope
from guichet.models import Agent, Handoff
from handoff_api.committed_route import CommittedRoute
from handoff_api.deps import MAX_ROW_ID, AgentDep, RowId, SessionDep
from handoff_api.handoff_labels import parse_label, record_label
from services import handoffs

router = APIRouter(prefix="/api/handoffs", tags=["handoffs"], route_class=CommittedRoute)


class HandoffOut(BaseModel):
    id: int
    reference: str
    conversation_id: str
    status: str
    department: str
    channel: str
    reason: str
    summary: str
    agent_id: int | None
    created_at: datetime
    first_response_due: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    flag: str | None = None
    """``silent``: back in the queue because its agent did not reply in time (see ``crud.routing``)."""
    breached: bool


class AgentText(BaseModel):
    text: str


class ReplyIn(AgentText):
    seen_message_id: int | None = None
    """The newest message the agent saw; a newer citizen message makes the reply a 409 unless ``confirm``."""
    confirm: bool = False


class TransferIn(BaseModel):
    department: str | None = None
    agent_id: int | None = Field(default=None, ge=1, le=MAX_ROW_ID)


def handoff_out(handoff: Handoff) -> dict[str, Any]:
    fields = {name: getattr(handoff, name) for name in HandoffOut.model_fields if name != "breached"}
    return {**fields, "breached": crud.is_breached(handoff)}


@router.get("", response_model=list[HandoffOut])
def list_handoffs(request: Request, response: Response, session: SessionDep, agent: AgentDep, q: str = "",
                  status: str | None = None, department: str | None = None, channel: str | None = None,
                  breached: bool | None = None, date_from: date | None = None, date_to: date | None = None,
                  page: int = 1, per_page: int = 50) -> list[dict[str, Any]]:
    """Open handoffs by deadline (``status=all`` for every status, newest first); ``q`` searches the text of
    handoffs and their conversations. Paginated: ``X-Total-Count`` and ``Link`` headers give the rest."""
    try:
        query = search.HandoffQuery(q=q, status=status, department=department, channel=channel,
                                    breached=breached, date_from=date_from, date_to=date_to)
        found = search.find(session, query, zone=request.app.state.hours.zone, page=page, per_page=per_page)
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    response.headers["X-Total-Count"] = str(found.total)
    links = [f'<{request.url.include_query_params(page=number)}>; rel="{rel}"'
             for number, rel in ((page + 1, "next"), (page - 1, "prev")) if 1 <= number <= found.pages]
    if links:
        response.headers["Link"] = ", ".join(links)
    return [handoff_out(h) for h in found.handoffs]


@router.get("/{handoff_id}")
def show_handoff(handoff_id: RowId, session: SessionDep, agent: AgentDep) -> dict[str, Any]:
    handoff = crud.get_handoff(session, handoff_id=handoff_id)
    messages = conv_crud.transcript(session, conversation_id=handoff.conversation_id, include_notes=True)
    return {
        **handoff_out(handoff),
        "messages": [{"id": m.id, "author": m.author, "text": m.text, "kind": m.kind, "created_at": m.created_at,
                      "delivery": m.payload.get("delivery") if m.payload else None} for m in messages],
        "events": [{"actor": e.actor, "action": e.action, "from": e.from_status, "to": e.to_status,
                    "detail": e.detail, "created_at": e.created_at} for e in handoff.events],
    }


@router.post("/{handoff_id}/claim", response_model=HandoffOut)
def claim(handoff_id: RowId, session: SessionDep, agent: AgentDep) -> dict[str, Any]:
    return handoff_out(handoffs.claim(session, handoff_id=handoff_id, agent=agent))


@router.post("/{handoff_id}/reply")
def reply(handoff_id: RowId, body: ReplyIn, session: SessionDep, agent: AgentDep) -> dict[str, Any]:
    message, handoff = handoffs.reply(session, handoff_id=handoff_id, agent=agent, text=body.text,
                                      seen_message_id=body.seen_message_id, confirm=body.confirm)
    return {"message_id": message.id, "handoff": handoff_out(handoff)}


@router.post("/{handoff_id}/note")
def note(handoff_id: RowId, body: AgentText, session: SessionDep, agent: AgentDep) -> dict[str, Any]:
    return {"message_id": handoffs.note(session, handoff_id=handoff_id, agent=agent, text=body.text).id}


@router.post("/{handoff_id}/transfer", response_model=HandoffOut)
def transfer(handoff_id: RowId, body: TransferIn, session: SessionDep, agent: AgentDep) -> dict[str, Any]:
    return handoff_out(handoffs.transfer(session, handoff_id=handoff_id, agent=agent, department=body.department,
                                         agent_id=body.agent_id))


class ResolveIn(BaseModel):
    label: str = Field(default="", max_length=140)


@router.post("/{handoff_id}/resolve", response_model=HandoffOut)
async def resolve(handoff_id: RowId, request: Request, agent: AgentDep,
                  body: ResolveIn | None = None) -> dict[str, Any]:
    """``label`` (optional), as in the console: ``"entry:<id>"`` (that published entry answers the question) or
    ``"off_topic"`` (the bot should not answer it) lands in the editors' training inbox as a proposal; a label naming
    no published entry is refused (422) before anything is closed."""
    factory = request.app.state.session_factory
    labelled, entry_id = await run_in_threadpool(_parsed_label, factory, body.label if body is not None else "")
    closed = await handoffs.close(factory, request.app.state.gateway, handoff_id=handoff_id, agent=agent,
                                  action="resolve", view=handoff_out)
    if labelled:
        await run_in_threadpool(_record_label, request, agent, handoff_id, entry_id)
    return closed


def _parsed_label(factory: sessionmaker[Session], label: str) -> tuple[bool, str | None]:
    with session_scope(factory) as session:
        return parse_label(session, label)


def _record_label(request: Request, agent: Agent, handoff_id: int, entry_id: str | None) -> None:
    with session_scope(request.app.state.session_factory) as session:
        record_label(request, session, agent=agent, handoff_id=handoff_id, entry_id=entry_id)


@router.post("/{handoff_id}/return-to-bot", response_model=HandoffOut)
async def return_to_bot(handoff_id: RowId, request: Request, agent: AgentDep) -> dict[str, Any]:
    return await handoffs.close(request.app.state.session_factory, request.app.state.gateway, handoff_id=handoff_id,
                                agent=agent, action="return_to_bot", view=handoff_out)
