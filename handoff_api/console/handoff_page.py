"""``/console/handoffs/{id}``: the whole conversation, the knowledge base's suggestions and the agent's tools."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from guichet.contract.limits import LIMITS
from guichet.crud import conversations as conv_crud
from guichet.crud import handoffs as crud
from guichet.crud.conversations import NotFound
from guichet.models import Agent, Role
from handoff_api.committed_route import CommittedRoute
from handoff_api.console.access import ConsoleAgent
from handoff_api.console.queue import departments
from handoff_api.console.reply_tools import reply_tools
from handoff_api.console.templating import render
from handoff_api.deps import SessionDep
from handoff_api.handoff_suggestions import handoff_question, suggestions_for

router = APIRouter(prefix="/console/handoffs", tags=["console"], include_in_schema=False, route_class=CommittedRoute)

DONE_MESSAGES = {
    "claim": "Demande prise en charge.", "reply": "Réponse envoyée.", "note": "Note interne ajoutée.",
    "transfer": "Demande transférée.", "resolve": "Demande résolue.",
    "return": "Conversation rendue à l'assistant.", "draft": "Brouillon FAQ enregistré pour les éditeurs.",
}


def handoff_context(request: Request, session: Session, handoff_id: int) -> dict[str, Any]:
    handoff = crud.get_handoff(session, handoff_id=handoff_id)
    conversation = conv_crud.get_conversation(session, conversation_id=handoff.conversation_id)
    messages = conv_crud.transcript(session, conversation_id=conversation.id, include_notes=True)
    staff = list(session.scalars(select(Agent).where(Agent.active.is_(True),
                                                     Agent.role.in_((Role.AGENT.value, Role.ADMIN.value)))
                                 .order_by(Agent.name)))
    names = {agent.id: agent.name for agent in session.scalars(select(Agent))}
    suggestions, suggestion_query, suggestion_page = suggestions_for(request, messages,
                                                                     handoff_question(session, handoff=handoff))
    return {
        "title": f"Demande {handoff.reference}",
        "handoff": handoff, "conversation": conversation, "messages": messages, "names": names,
        "events": handoff.events, "breached": crud.is_breached(handoff),
        "limit": LIMITS.get(handoff.channel, 5000), "weighted": handoff.channel == "x_mention",
        "suggestions": suggestions, "suggestion_query": suggestion_query, "suggestion_page": suggestion_page,
        "departments": departments(session), "staff": staff,
        "holder": names.get(handoff.agent_id or 0, ""),
    }


def handoff_page(request: Request, session: Session, handoff_id: int, *, status_code: int = 200,
                 error: str | None = None, done: str | None = None, draft_text: str = "",
                 confirm_unseen: bool = False) -> Response:
    try:
        context = handoff_context(request, session, handoff_id)
    except NotFound:
        return render(request, "console/error.html", {"title": "Demande introuvable",
                                                      "message": f"La demande n° {handoff_id} n'existe pas."},
                      status_code=404)
    context.update({"error": error, "done": DONE_MESSAGES.get(done or ""), "draft_text": draft_text,
                    "confirm_unseen": confirm_unseen, **reply_tools(request, session, context["handoff"])})
    return render(request, "console/handoff.html", context, status_code=status_code)


@router.get("/{handoff_id}")
def show(handoff_id: int, request: Request, session: SessionDep, agent: ConsoleAgent,
         ok: str | None = None) -> Response:
    return handoff_page(request, session, handoff_id, done=ok)
