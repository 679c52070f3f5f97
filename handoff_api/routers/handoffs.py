"""The agents' queue: list, claim, reply, transfer, resolve, return to the bot."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from anyio import to_thread
from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field

from gateway.messages import Gateway
from guichet.contract.limits import check_length
from guichet.crud import agents as agent_crud
from guichet.crud import conversations as conv_crud
from guichet.crud import feedback as feedback_crud
from guichet.crud import handoffs as crud
from guichet.crud import search, unseen
from guichet.events import publish_on_commit
from guichet.models import Agent, Author, Handoff, OutboxItem, Role
from handoff_api.deps import MAX_ROW_ID, AgentDep, RowId, SessionDep

router = APIRouter(prefix="/api/handoffs", tags=["handoffs"])


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
    handoff = crud.claim(session, handoff_id=handoff_id, agent_id=agent.id, actor=agent.name)
    agent_crud.audit(session, actor=agent.name, action="handoff.claim", target=f"handoff:{handoff_id}")
    publish_on_commit(session, "handoffs", {"type": "claim", "handoff_id": handoff_id})
    return handoff_out(handoff)


@router.post("/{handoff_id}/reply")
def reply(handoff_id: RowId, body: ReplyIn, request: Request, session: SessionDep, agent: AgentDep) -> dict[str, Any]:
    handoff = crud.get_handoff(session, handoff_id=handoff_id)
    crud.require_holder(handoff, agent_id=agent.id, is_admin=agent.role == Role.ADMIN.value)
    text = body.text.strip()
    if not text:
        raise HTTPException(422, "text: must not be empty or only spaces")
    check_length(handoff.channel, text)
    unseen.check_seen(session, handoff=handoff, seen_message_id=body.seen_message_id, confirm=body.confirm)
    conversation = conv_crud.get_conversation(session, conversation_id=handoff.conversation_id)
    message = conv_crud.add_outgoing(session, conversation=conversation, author=Author.AGENT, text=text,
                                     kind="agent", agent_id=agent.id)
    if conversation.channel != "webchat":
        last = session.scalar(
            conv_crud.select_last_citizen_message(conversation_id=conversation.id)
        )
        session.add(OutboxItem(conversation_id=conversation.id, message_id=message.id, channel=conversation.channel,
                               payload={"text": text, "reply_to": last.external_id if last else None}))
    crud.note_first_response(handoff)
    agent_crud.audit(session, actor=agent.name, action="handoff.reply", target=f"handoff:{handoff_id}")
    publish_on_commit(session, f"conversation:{conversation.id}", {"type": "message", "id": message.id})
    publish_on_commit(session, "handoffs", {"type": "reply", "handoff_id": handoff_id})
    return {"message_id": message.id, "handoff": handoff_out(handoff)}


@router.post("/{handoff_id}/note")
def note(handoff_id: RowId, body: AgentText, session: SessionDep, agent: AgentDep) -> dict[str, Any]:
    handoff = crud.get_handoff(session, handoff_id=handoff_id)
    text = body.text.strip()
    if not text:
        raise HTTPException(422, "text: must not be empty or only spaces")
    conversation = conv_crud.get_conversation(session, conversation_id=handoff.conversation_id)
    message = conv_crud.add_outgoing(session, conversation=conversation, author=Author.NOTE, text=text,
                                     kind="note", agent_id=agent.id)
    agent_crud.audit(session, actor=agent.name, action="handoff.note", target=f"handoff:{handoff_id}")
    return {"message_id": message.id}


@router.post("/{handoff_id}/transfer", response_model=HandoffOut)
def transfer(handoff_id: RowId, body: TransferIn, session: SessionDep, agent: AgentDep) -> dict[str, Any]:
    if body.department is None and body.agent_id is None:
        raise HTTPException(422, "transfer needs a department or an agent_id")
    if body.agent_id is not None and session.get(agent_crud.Agent, body.agent_id) is None:
        raise HTTPException(404, f"agent {body.agent_id} does not exist")
    handoff = crud.get_handoff(session, handoff_id=handoff_id)
    crud.transfer(session, handoff=handoff, actor=agent.name, department=body.department, agent_id=body.agent_id)
    agent_crud.audit(session, actor=agent.name, action="handoff.transfer", target=f"handoff:{handoff_id}",
                     detail=body.model_dump())
    publish_on_commit(session, "handoffs", {"type": "transfer", "handoff_id": handoff_id})
    return handoff_out(handoff)


def _close(handoff_id: int, request: Request, agent_name: str, agent_id: int, is_admin: bool,
           action: str) -> dict[str, Any]:
    """Run in a worker thread: a write waiting for the database lock must not hold the event loop."""
    factory = request.app.state.session_factory
    with factory.begin() as session:
        handoff = crud.get_handoff(session, handoff_id=handoff_id)
        crud.require_may_close(handoff, action=action, agent_id=agent_id, is_admin=is_admin)
        crud.resolve(session, handoff=handoff, actor=agent_name, action=action)
        if action == "resolve":  # a person helped: the citizen may rate it (not on a return to the bot)
            feedback_crud.ask_rating(session, handoff=handoff)
        agent_crud.audit(session, actor=agent_name, action=f"handoff.{action}", target=f"handoff:{handoff_id}")
        publish_on_commit(session, "handoffs", {"type": action, "handoff_id": handoff_id})
        result = handoff_out(handoff)
    return result


async def _close_and_resume(request: Request, agent: Agent, handoff_id: int, action: str) -> dict[str, Any]:
    result = await to_thread.run_sync(_close, handoff_id, request, agent.name, agent.id,
                                      agent.role == Role.ADMIN.value, action)
    gateway: Gateway = request.app.state.gateway
    await gateway.resume_bot(result["conversation_id"])
    return result


@router.post("/{handoff_id}/resolve", response_model=HandoffOut)
async def resolve(handoff_id: RowId, request: Request, agent: AgentDep) -> dict[str, Any]:
    return await _close_and_resume(request, agent, handoff_id, "resolve")


@router.post("/{handoff_id}/return-to-bot", response_model=HandoffOut)
async def return_to_bot(handoff_id: RowId, request: Request, agent: AgentDep) -> dict[str, Any]:
    return await _close_and_resume(request, agent, handoff_id, "return_to_bot")
