"""``/console/admin/agents/{id}`` and ``/console/admin/departments/{slug}``: change an existing account
(reactivate, role, password reset shown once) or department (rename, merge into another)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from guichet.crud import account_changes as changes
from guichet.crud import accounts
from guichet.crud.agents import audit
from guichet.crud.conversations import NotFound
from handoff_api.committed_route import CommittedRoute
from handoff_api.console.access import ConsoleAdmin
from handoff_api.console.templating import render
from handoff_api.deps import SessionDep

router = APIRouter(prefix="/console/admin", tags=["console"], include_in_schema=False, route_class=CommittedRoute)
DONE = {"reactivated": "Compte réactivé.", "role": "Rôle modifié.", "renamed": "Service renommé.",
        "merged": "Services fusionnés."}


def agent_page(request: Request, session: Session, agent_id: int, **context: Any) -> Response:
    try:
        account = accounts.get_agent(session, agent_id=agent_id)
    except NotFound:
        missing = {"title": "Compte introuvable", "message": f"Le compte n° {agent_id} n'existe pas."}
        return render(request, "console/error.html", missing, status_code=404)
    status = context.pop("status_code", 200)
    full = {"title": f"Compte {account.name}", "account": account, "roles": changes.ACCOUNT_ROLES, **context}
    return render(request, "console/admin_agent.html", full, status_code=status)


@router.get("/agents/{agent_id}")
def show_agent(agent_id: int, request: Request, session: SessionDep, admin: ConsoleAdmin, ok: str = "") -> Response:
    return agent_page(request, session, agent_id, done=DONE.get(ok))


@router.post("/agents/{agent_id}/reactivate")
def reactivate(agent_id: int, session: SessionDep, admin: ConsoleAdmin) -> Response:
    changes.reactivate(session, agent_id=agent_id)
    audit(session, actor=admin.name, action="admin.agent_reactivate", target=f"agent:{agent_id}")
    session.commit()
    return RedirectResponse(f"/console/admin/agents/{agent_id}?ok=reactivated", status_code=303)


@router.post("/agents/{agent_id}/role")
def change_role(agent_id: int, request: Request, session: SessionDep, admin: ConsoleAdmin,
                role: Annotated[str, Form()] = "") -> Response:
    try:
        changes.change_role(session, agent_id=agent_id, role=role, actor_id=admin.id)
    except ValueError as error:
        session.rollback()
        return agent_page(request, session, agent_id, error=str(error), status_code=422)
    audit(session, actor=admin.name, action="admin.agent_role", target=f"agent:{agent_id}", detail={"role": role})
    session.commit()
    return RedirectResponse(f"/console/admin/agents/{agent_id}?ok=role", status_code=303)


@router.post("/agents/{agent_id}/password-reset")
def reset_password(agent_id: int, request: Request, session: SessionDep, admin: ConsoleAdmin) -> Response:
    try:
        _account, temporary = changes.reset_password(session, agent_id=agent_id)
    except ValueError as error:
        session.rollback()
        return agent_page(request, session, agent_id, error=str(error), status_code=422)
    audit(session, actor=admin.name, action="admin.password_reset", target=f"agent:{agent_id}")
    session.commit()
    return agent_page(request, session, agent_id, temporary=temporary)


def department_page(request: Request, session: Session, slug: str, **context: Any) -> Response:
    try:
        department = changes.get_department(session, slug=slug)
    except NotFound:
        missing = {"title": "Service introuvable", "message": f"Le service {slug!r} n'existe pas."}
        return render(request, "console/error.html", missing, status_code=404)
    status = context.pop("status_code", 200)
    full = {"title": f"Service {department.name}", "department": department,
            "others": [d for d in accounts.list_departments(session) if d.slug != slug], **context}
    return render(request, "console/admin_department.html", full, status_code=status)


@router.get("/departments/{slug}")
def show_department(slug: str, request: Request, session: SessionDep, admin: ConsoleAdmin, ok: str = "") -> Response:
    return department_page(request, session, slug, done=DONE.get(ok))


@router.post("/departments/{slug}/rename")
def rename(slug: str, request: Request, session: SessionDep, admin: ConsoleAdmin,
           name: Annotated[str, Form(max_length=500)] = "") -> Response:
    try:
        changes.rename_department(session, slug=slug, name=name)
    except ValueError as error:
        session.rollback()
        return department_page(request, session, slug, error=str(error), status_code=422)
    audit(session, actor=admin.name, action="admin.department_rename", target=f"department:{slug}",
          detail={"name": name})
    session.commit()
    return RedirectResponse(f"/console/admin/departments/{slug}?ok=renamed", status_code=303)


@router.post("/departments/{slug}/merge")
def merge(slug: str, request: Request, session: SessionDep, admin: ConsoleAdmin,
          into: Annotated[str, Form(max_length=40)] = "") -> Response:
    try:
        moved = changes.merge_departments(session, source=slug, into=into)
    except (ValueError, NotFound) as error:
        session.rollback()
        return department_page(request, session, slug, error=str(error), status_code=422)
    audit(session, actor=admin.name, action="admin.department_merge", target=f"department:{slug}",
          detail={"into": into, **moved})
    session.commit()
    return RedirectResponse(f"/console/admin/departments/{into}?ok=merged", status_code=303)


__all__ = ["router"]
