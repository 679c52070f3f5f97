"""The admins' JSON API: accounts, departments, opening hours and the town hall's contacts (as the admin page)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from guichet.crud import accounts, city_facts_store
from guichet.crud import opening_hours_store as hours_store
from guichet.crud.account_changes import ACCOUNT_ROLES
from guichet.crud.agents import audit, create_agent
from guichet.models import Agent, Role
from guichet.opening_hours import OpeningHours
from handoff_api.committed_route import CommittedRoute
from handoff_api.deps import AdminDep, RowId, SessionDep
from handoff_api.error_schema import problem

router = APIRouter(prefix="/api/admin", tags=["admin"], route_class=CommittedRoute)


class AgentOut(BaseModel):
    id: int
    name: str
    role: str
    department: str | None
    active: bool
    has_password: bool
    created_at: datetime


class NewAgent(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    role: str = Role.AGENT.value
    department: str | None = None
    password: str | None = Field(default=None, max_length=500)


class NewAgentOut(AgentOut):
    token: str


class CityContactsIn(BaseModel):
    address: str | None = Field(default=None, max_length=300)
    phone: str | None = Field(default=None, max_length=300)
    email: str | None = Field(default=None, max_length=300)
    website: str | None = Field(default=None, max_length=300)


class NewDepartment(BaseModel):
    slug: str = Field(max_length=40)
    name: str = Field(max_length=120)


def agent_out(agent: Agent) -> dict[str, Any]:
    return {"id": agent.id, "name": agent.name, "role": agent.role, "department": agent.department,
            "active": agent.active, "has_password": bool(agent.password_hash), "created_at": agent.created_at}


def new_account(session: Session, admin: Agent, body: NewAgent) -> tuple[Agent, str]:
    """Shared with the admin page: validate, create, audit. ``ValueError``/``NotFound`` name the bad field."""
    if body.role not in ACCOUNT_ROLES:
        raise ValueError(f"role: {body.role!r} is not one of {', '.join(ACCOUNT_ROLES)}")
    accounts.check_password(body.password)
    agent, token = create_agent(session, name=body.name.strip(), role=Role(body.role), password=body.password or None,
                                department=body.department or None)
    audit(session, actor=admin.name, action="admin.agent_create", target=f"agent:{agent.id}",
          detail={"name": agent.name, "role": agent.role, "department": agent.department})
    return agent, token


@router.get("/agents", response_model=list[AgentOut])
def list_agents(session: SessionDep, admin: AdminDep) -> list[dict[str, Any]]:
    return [agent_out(agent) for agent in accounts.list_agents(session)]


@router.post("/agents", status_code=201, response_model=NewAgentOut, responses=problem(404))
def create(body: NewAgent, session: SessionDep, admin: AdminDep) -> dict[str, Any]:
    try:
        agent, token = new_account(session, admin, body)
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    session.commit()
    return {**agent_out(agent), "token": token}


@router.post("/agents/{agent_id}/deactivate", response_model=AgentOut)
def deactivate(agent_id: RowId, session: SessionDep, admin: AdminDep) -> dict[str, Any]:
    if agent_id == admin.id:
        raise HTTPException(422, f"agent {agent_id}: an admin cannot deactivate their own account")
    agent = accounts.deactivate_agent(session, agent_id=agent_id)
    audit(session, actor=admin.name, action="admin.agent_deactivate", target=f"agent:{agent_id}")
    session.commit()
    return agent_out(agent)


@router.post("/agents/{agent_id}/token")
def regenerate_token(agent_id: RowId, session: SessionDep, admin: AdminDep) -> dict[str, Any]:
    try:
        agent, token = accounts.regenerate_token(session, agent_id=agent_id)
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    audit(session, actor=admin.name, action="admin.token_regenerate", target=f"agent:{agent_id}")
    session.commit()
    return {**agent_out(agent), "token": token}


@router.post("/departments", status_code=201)
def add_department(body: NewDepartment, session: SessionDep, admin: AdminDep) -> dict[str, str]:
    try:
        department = accounts.add_department(session, slug=body.slug, name=body.name)
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    audit(session, actor=admin.name, action="admin.department_add", target=f"department:{department.slug}")
    session.commit()
    return {"slug": department.slug, "name": department.name}


@router.get("/opening-hours")
def opening_hours(request: Request, admin: AdminDep) -> dict[str, list[str]]:
    return hours_store.weekly_text(request.app.state.hours)


@router.put("/opening-hours")
def set_opening_hours(body: dict[str, list[str]], request: Request, session: SessionDep,
                      admin: AdminDep) -> dict[str, list[str]]:
    """The whole week, e.g. ``{"mon": ["08:30-12:00", "13:30-17:30"], ..., "sun": []}``; a missing day is closed."""
    hours: OpeningHours = request.app.state.hours
    try:
        weekly = hours_store.save_weekly(session, target=hours, weekly=body)
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    audit(session, actor=admin.name, action="admin.opening_hours", target="opening_hours", detail=weekly)
    session.commit()
    hours_store.apply(hours, weekly)
    return weekly


@router.get("/city-contacts")
def city_contacts(request: Request, session: SessionDep, admin: AdminDep) -> dict[str, str | None]:
    """As the bot gives them: saved by an admin, else from the settings; ``null`` means unknown."""
    return city_facts_store.current_contacts(session, settings=request.app.state.settings).as_dict()


@router.put("/city-contacts")
def set_city_contacts(body: CityContactsIn, session: SessionDep, admin: AdminDep) -> dict[str, str | None]:
    """All four at once; a missing or empty one is unknown (the bot says so and offers a person)."""
    try:
        saved = city_facts_store.save_contacts(session, values=body.model_dump())
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    audit(session, actor=admin.name, action="admin.city_contacts", target="city_contacts", detail=saved.as_dict())
    session.commit()
    return saved.as_dict()
