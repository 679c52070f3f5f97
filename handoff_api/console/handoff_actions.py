"""The conversation page's forms: claim, reply, note, transfer, resolve, return to the bot, save as FAQ draft.

Each one calls the same service as the JSON API (services/handoffs.py), then redirects back to the page
(post/redirect/get) or shows the page again with the error and its status (409, 404, 422).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from anyio import from_thread
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from guichet.contract.limits import TooLong
from guichet.crud import handoffs as crud
from guichet.crud.agents import audit
from guichet.crud.conversations import NotFound
from guichet.crud.unseen import UnseenMessage
from guichet.models import Agent
from handoff_api.committed_route import CommittedRoute
from handoff_api.console.access import ConsoleAgent
from handoff_api.console.handoff_page import handoff_page
from handoff_api.console.templating import CHANNEL_FR
from handoff_api.deps import RowId, SessionDep
from handoff_api.handoff_labels import parse_label, record_label
from services import handoffs
from services.handoffs import Refused
from services.kb_drafts import draft_from_reply

router = APIRouter(prefix="/console/handoffs", tags=["console"], include_in_schema=False, route_class=CommittedRoute)
WEBHOOK_ACTIONS = {"claim": "claimed", "reply": "replied", "resolve": "resolved", "return": "resolved",
                   "transfer": "transferred", "note": "noted", "draft": "drafted"}


def publish(request: Request, handoff_id: int, action: str) -> None:
    """Wakes up the consoles' queues and the webhook sender (after the commit, so they read the change)."""
    request.app.state.events.publish("handoffs", {"type": "handoff", "handoff_id": handoff_id,
                                                  "action": WEBHOOK_ACTIONS.get(action, action)})


def too_long_fr(error: TooLong, channel: str) -> str:
    unit = "caractères pondérés" if channel == "x_mention" else "caractères"
    return (f"Votre réponse fait {error.length} {unit} ; la limite sur {CHANNEL_FR.get(channel, channel)} "
            f"est de {error.limit}. Raccourcissez-la.")


def run(request: Request, session: Session, handoff_id: int, action: str, step: Callable[[], Any], *,
        draft_text: str = "") -> Response:
    """Do ``step``, commit, announce, redirect; on a refusal show the page again with a French message."""
    try:
        step()
        session.commit()
    except TooLong as error:
        session.rollback()
        channel = crud.get_handoff(session, handoff_id=handoff_id).channel
        return handoff_page(request, session, handoff_id, status_code=422, error=too_long_fr(error, channel),
                            draft_text=draft_text)
    except (crud.Conflict, NotFound, Refused, HTTPException) as error:
        session.rollback()
        status = (409 if isinstance(error, crud.Conflict) else 404 if isinstance(error, NotFound)
                  else 422 if isinstance(error, Refused) else error.status_code)
        if isinstance(error, UnseenMessage):
            return handoff_page(request, session, handoff_id, status_code=409, draft_text=draft_text,
                                confirm_unseen=True, error="L'usager a écrit un nouveau message depuis que vous avez "
                                "commencé votre réponse : lisez-le, puis confirmez l'envoi ou modifiez la réponse.")
        detail = error.detail if isinstance(error, HTTPException) else str(error)
        return handoff_page(request, session, handoff_id, status_code=status, draft_text=draft_text,
                            error=f"Action impossible : {detail}")
    publish(request, handoff_id, action)
    return RedirectResponse(f"/console/handoffs/{handoff_id}?ok={action}", status_code=303)


@router.post("/{handoff_id}/claim")
def claim(handoff_id: RowId, request: Request, session: SessionDep, agent: ConsoleAgent) -> Response:
    return run(request, session, handoff_id, "claim", lambda: handoffs.claim(session, handoff_id=handoff_id,
                                                                             agent=agent))


@router.post("/{handoff_id}/reply")
def reply(handoff_id: RowId, request: Request, session: SessionDep, agent: ConsoleAgent,
          text: Annotated[str, Form(max_length=20_000)] = "", seen_message_id: Annotated[int | None, Form()] = None,
          confirm: Annotated[str, Form()] = "") -> Response:
    return run(request, session, handoff_id, "reply",
               lambda: handoffs.reply(session, handoff_id=handoff_id, agent=agent, text=text,
                                      seen_message_id=seen_message_id, confirm=confirm == "1"), draft_text=text)


@router.post("/{handoff_id}/note")
def note(handoff_id: RowId, request: Request, session: SessionDep, agent: ConsoleAgent,
         text: Annotated[str, Form(max_length=20_000)] = "") -> Response:
    return run(request, session, handoff_id, "note",
               lambda: handoffs.note(session, handoff_id=handoff_id, agent=agent, text=text))


@router.post("/{handoff_id}/transfer")
def transfer(handoff_id: RowId, request: Request, session: SessionDep, agent: ConsoleAgent,
             department: Annotated[str, Form()] = "", agent_id: Annotated[str, Form()] = "") -> Response:
    if agent_id and not agent_id.isdigit():
        raise HTTPException(422, f"agent_id: {agent_id!r} is not a number")
    return run(request, session, handoff_id, "transfer",
               lambda: handoffs.transfer(session, handoff_id=handoff_id, agent=agent, department=department or None,
                                         agent_id=int(agent_id) if agent_id else None))


def close(request: Request, session: Session, agent: Agent, handoff_id: int, action: str) -> Response:
    service_action = "resolve" if action == "resolve" else "return_to_bot"
    return run(request, session, handoff_id, action, lambda: from_thread.run(partial(
        handoffs.close, request.app.state.session_factory, request.app.state.gateway, handoff_id=handoff_id,
        agent=agent, action=service_action, view=lambda handoff: handoff.id)))


@router.post("/{handoff_id}/resolve")
def resolve(handoff_id: RowId, request: Request, session: SessionDep, agent: ConsoleAgent,
            label: Annotated[str, Form(max_length=140)] = "") -> Response:
    labelled, entry_id = parse_label(session, label)
    response = close(request, session, agent, handoff_id, "resolve")
    if labelled and response.status_code == 303:
        record_label(request, session, agent=agent, handoff_id=handoff_id, entry_id=entry_id)
    return response


@router.post("/{handoff_id}/return")
def return_to_bot(handoff_id: RowId, request: Request, session: SessionDep, agent: ConsoleAgent) -> Response:
    return close(request, session, agent, handoff_id, "return")


@router.post("/{handoff_id}/draft")
def save_as_draft(handoff_id: RowId, request: Request, session: SessionDep, agent: ConsoleAgent,
                  message_id: Annotated[int, Form()]) -> Response:
    created: list[str] = []

    def step() -> None:
        handoff = crud.get_handoff(session, handoff_id=handoff_id)
        entry = draft_from_reply(session, handoff=handoff, message_id=message_id, actor=agent.name)
        audit(session, actor=agent.name, action="kb.draft_from_reply", target=f"kb:{entry.id}",
              detail={"handoff_id": handoff_id, "message_id": message_id})
        created.append(entry.id)

    response = run(request, session, handoff_id, "draft", step)
    knowledge_base = request.app.state.knowledge_base
    if created and response.status_code == 303 and knowledge_base is not None:
        knowledge_base.refresh(created)
    return response
