"""``/api/handoffs/{id}/presence``: who is viewing a handoff and who is typing a reply, announced live.

Every change goes out on the consoles' event stream (``GET /api/events/handoffs``) as::

    event: presence
    data: {"type": "presence", "handoff_id": 12, "present": [{"agent_id": 3, "name": "alice", "typing": true}]}
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from guichet.crud import handoffs as crud
from handoff_api.committed_route import CommittedRoute
from handoff_api.deps import AgentDep, RowId, SessionDep
from handoff_api.presence import PresenceRegistry, State

router = APIRouter(prefix="/api/handoffs", tags=["presence"], route_class=CommittedRoute)


class PresenceIn(BaseModel):
    state: State


def registry(request: Request) -> PresenceRegistry:
    found: PresenceRegistry = request.app.state.presence
    return found


@router.get("/{handoff_id}/presence")
def present(handoff_id: RowId, request: Request, session: SessionDep, agent: AgentDep) -> dict[str, Any]:
    crud.get_handoff(session, handoff_id=handoff_id)
    return {"handoff_id": handoff_id, "present": registry(request).present(handoff_id=handoff_id)}


@router.post("/{handoff_id}/presence")
def signal(handoff_id: RowId, body: PresenceIn, request: Request, session: SessionDep,
           agent: AgentDep) -> dict[str, Any]:
    """``{"state": "viewing" | "typing" | "gone"}`` for the caller; returns who is present, as announced."""
    crud.get_handoff(session, handoff_id=handoff_id)
    present = registry(request).signal(handoff_id=handoff_id, agent_id=agent.id, name=agent.name, state=body.state)
    event = {"type": "presence", "handoff_id": handoff_id, "present": present}
    request.app.state.events.publish("handoffs", event)
    return {"handoff_id": handoff_id, "present": present}
