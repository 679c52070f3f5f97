"""The admins' JSON API for existing accounts and departments: reactivate, change a role, reset a password,
rename a department, merge one into another (the console's account and department pages do the same)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from guichet.crud import account_changes as changes
from guichet.crud.agents import audit
from handoff_api.committed_route import CommittedRoute
from handoff_api.deps import AdminDep, RowId, SessionDep
from handoff_api.routers.admin import AgentOut, agent_out

router = APIRouter(prefix="/api/admin", tags=["admin"], route_class=CommittedRoute)


class RoleIn(BaseModel):
    role: str


class DepartmentName(BaseModel):
    name: str = Field(max_length=500)


class MergeIn(BaseModel):
    into: str = Field(max_length=40)


@router.post("/agents/{agent_id}/reactivate", response_model=AgentOut)
def reactivate(agent_id: RowId, session: SessionDep, admin: AdminDep) -> dict[str, Any]:
    agent = changes.reactivate(session, agent_id=agent_id)
    audit(session, actor=admin.name, action="admin.agent_reactivate", target=f"agent:{agent_id}")
    session.commit()
    return agent_out(agent)


@router.put("/agents/{agent_id}/role", response_model=AgentOut)
def change_role(agent_id: RowId, body: RoleIn, session: SessionDep, admin: AdminDep) -> dict[str, Any]:
    try:
        agent = changes.change_role(session, agent_id=agent_id, role=body.role, actor_id=admin.id)
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    audit(session, actor=admin.name, action="admin.agent_role", target=f"agent:{agent_id}", detail={"role": body.role})
    session.commit()
    return agent_out(agent)


@router.post("/agents/{agent_id}/password-reset")
def reset_password(agent_id: RowId, session: SessionDep, admin: AdminDep) -> dict[str, Any]:
    """A temporary password, returned once; the account must choose a new one at its next console login."""
    try:
        agent, temporary = changes.reset_password(session, agent_id=agent_id)
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    audit(session, actor=admin.name, action="admin.password_reset", target=f"agent:{agent_id}")
    session.commit()
    return {**agent_out(agent), "temporary_password": temporary, "must_change_password": True}


@router.patch("/departments/{slug}")
def rename_department(slug: str, body: DepartmentName, session: SessionDep, admin: AdminDep) -> dict[str, str]:
    try:
        department = changes.rename_department(session, slug=slug, name=body.name)
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    audit(session, actor=admin.name, action="admin.department_rename", target=f"department:{slug}",
          detail={"name": department.name})
    session.commit()
    return {"slug": department.slug, "name": department.name}


@router.post("/departments/{slug}/merge")
def merge_department(slug: str, body: MergeIn, session: SessionDep, admin: AdminDep) -> dict[str, Any]:
    """Everything of ``slug`` (handoffs, agents, FAQ entries) moves to ``into``; ``slug`` is removed."""
    try:
        moved = changes.merge_departments(session, source=slug, into=body.into)
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    audit(session, actor=admin.name, action="admin.department_merge", target=f"department:{slug}",
          detail={"into": body.into, **moved})
    session.commit()
    return {"merged": slug, "into": body.into, "moved": moved}
