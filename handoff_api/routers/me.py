"""``/api/me``: the caller's own account; an agent sets themselves available or away."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from guichet.crud.accounts import get_agent
from guichet.crud.agents import audit
from guichet.models import Agent
from handoff_api.committed_route import CommittedRoute
from handoff_api.deps import AgentDep, SessionDep

router = APIRouter(prefix="/api/me", tags=["me"], route_class=CommittedRoute)


class AvailabilityIn(BaseModel):
    available: bool


def me_out(agent: Agent) -> dict[str, Any]:
    return {"id": agent.id, "name": agent.name, "role": agent.role, "department": agent.department,
            "available": agent.available}


@router.get("")
def me(agent: AgentDep) -> dict[str, Any]:
    return me_out(agent)


@router.put("/availability")
def set_availability(body: AvailabilityIn, session: SessionDep, agent: AgentDep) -> dict[str, Any]:
    """Away: conversations that come back are not routed to you (they wait in your department's queue)."""
    stored = get_agent(session, agent_id=agent.id)
    stored.available = body.available
    audit(session, actor=stored.name, action="agent.availability", target=f"agent:{stored.id}",
          detail={"available": body.available})
    session.commit()
    return me_out(stored)
