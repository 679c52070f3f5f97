"""What the action server asks of the application: create a handoff, read a request's status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from guichet.crud import conversations as conv_crud
from guichet.crud import handoffs as crud
from guichet.events import publish_on_commit
from guichet.models import Handoff
from guichet.opening_hours import OpeningHours
from handoff_api.committed_route import CommittedRoute
from handoff_api.deps import ServiceDep, SessionDep, SettingsDep
from handoff_api.error_schema import problem

router = APIRouter(prefix="/api/internal", tags=["internal"], route_class=CommittedRoute)


class HandoffRequest(BaseModel):
    conversation_id: str
    department: str | None = None
    reason: str = Field(default="unanswered", max_length=20)
    summary: str = ""
    details: dict[str, Any] | None = None


class HandoffCreated(BaseModel):
    id: int
    reference: str
    status: str
    department: str
    first_response_due: datetime
    expected: str


def created_out(handoff: Handoff, hours: OpeningHours) -> dict[str, Any]:
    return {"id": handoff.id, "reference": handoff.reference, "status": handoff.status,
            "department": handoff.department, "first_response_due": handoff.first_response_due,
            "expected": hours.expectation(handoff.updated_at)}


@router.post("/handoffs", status_code=201, response_model=HandoffCreated,
             responses={200: {"model": HandoffCreated, "description": "Already open: that handoff"}, **problem(404)})
def create_handoff(body: HandoffRequest, request: Request, response: Response, session: SessionDep,
                   settings: SettingsDep, _service: ServiceDep) -> dict[str, Any]:
    hours: OpeningHours = request.app.state.hours
    conversation = conv_crud.get_conversation(session, conversation_id=body.conversation_id)
    handoff, is_new = crud.open_handoff(session, conversation=conversation, settings=settings, hours=hours,
                                        department=body.department, reason=body.reason, summary=body.summary,
                                        details=body.details, actor="bot")
    if not is_new:
        response.status_code = 200
    publish_on_commit(session, "handoffs", {"type": "handoff", "handoff_id": handoff.id,
                                            "conversation_id": conversation.id})
    return created_out(handoff, hours)


@router.get("/requests/{reference}")
def request_status(reference: str, session: SessionDep, _service: ServiceDep,
                   conversation_id: str = Query(min_length=1, max_length=32)) -> dict[str, Any]:
    """A request of the asking citizen (their conversation, or their X account); 404 alike for unknown
    references and for other citizens' requests."""
    handoff = crud.request_of(session, reference=reference, conversation_id=conversation_id)
    return {"reference": handoff.reference, "status": handoff.status, "department": handoff.department,
            "created_at": handoff.created_at, "updated_at": handoff.updated_at, "summary": handoff.summary}
