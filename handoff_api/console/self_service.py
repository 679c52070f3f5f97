"""What every console user does to their own account: set themselves available or away, and choose a new
password (required after an admin reset it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from guichet.crud.account_changes import set_own_password
from guichet.crud.accounts import get_agent
from guichet.crud.agents import audit
from handoff_api.committed_route import CommittedRoute
from handoff_api.console.access import HOME_BY_ROLE, ConsoleAgent, ConsoleAnyone, safe_next
from handoff_api.console.templating import render
from handoff_api.deps import SessionDep

router = APIRouter(prefix="/console", tags=["console"], include_in_schema=False, route_class=CommittedRoute)
Password = Annotated[str, Form(max_length=500)]


@router.post("/availability")
def availability(request: Request, session: SessionDep, agent: ConsoleAgent,
                 available: Annotated[str, Form()] = "1", next: Annotated[str, Form()] = "") -> Response:
    stored = get_agent(session, agent_id=agent.id)
    stored.available = available == "1"
    audit(session, actor=stored.name, action="agent.availability", target=f"agent:{stored.id}",
          detail={"available": stored.available})
    session.commit()
    return RedirectResponse(safe_next(next) or "/console", status_code=303)


@router.get("/password")
def password_page(request: Request, agent: ConsoleAnyone) -> Response:
    return render(request, "console/password.html", {"title": "Nouveau mot de passe"})


@router.post("/password")
def change_password(request: Request, session: SessionDep, agent: ConsoleAnyone, password: Password = "",
                    confirm: Password = "") -> Response:
    if password != confirm:
        return render(request, "console/password.html", {"title": "Nouveau mot de passe",
                      "error": "Les deux mots de passe ne sont pas identiques."}, status_code=422)
    try:
        set_own_password(session, agent_id=agent.id, password=password)
    except ValueError:
        session.rollback()
        return render(request, "console/password.html", {"title": "Nouveau mot de passe",
                      "error": "Le mot de passe doit compter 8 caractères au moins."}, status_code=422)
    audit(session, actor=agent.name, action="console.password_change", target=f"agent:{agent.id}")
    session.commit()
    return RedirectResponse(HOME_BY_ROLE.get(agent.role, "/console"), status_code=303)


