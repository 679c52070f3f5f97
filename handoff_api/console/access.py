"""Who may open which console page: no session redirects to the login page, a wrong role gets a 403 page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from guichet.models import Agent, Role
from handoff_api.console.templating import ROLE_FR, render

HOME_BY_ROLE = {Role.AGENT.value: "/console", Role.EDITOR.value: "/console/kb", Role.ADMIN.value: "/console"}


class LoginRequired(Exception):
    """No session, or an expired one."""


class PasswordChangeRequired(Exception):
    """An admin reset the password: the agent must choose a new one before any other page."""


PASSWORD_PATH = "/console/password"


class PageForbidden(Exception):
    def __init__(self, role: str, allowed: list[str]) -> None:
        super().__init__(f"role {role!r} may not open this page; needs one of {allowed}")
        self.role = role
        self.allowed = allowed


def page_agent(*roles: Role) -> Callable[[Request], Agent]:
    allowed = sorted({role.value for role in roles} | {Role.ADMIN.value})

    def check(request: Request) -> Agent:
        agent: Agent | None = getattr(request.state, "console_agent", None)
        if agent is None:
            raise LoginRequired()
        if agent.must_change_password and request.url.path != PASSWORD_PATH:
            raise PasswordChangeRequired()
        if agent.role not in allowed:
            raise PageForbidden(agent.role, allowed)
        return agent

    return check


ConsoleAgent = Annotated[Agent, Depends(page_agent(Role.AGENT))]
ConsoleEditor = Annotated[Agent, Depends(page_agent(Role.EDITOR))]
ConsoleAdmin = Annotated[Agent, Depends(page_agent())]
ConsoleAnyone = Annotated[Agent, Depends(page_agent(Role.AGENT, Role.EDITOR))]


def safe_next(target: str | None) -> str | None:
    """Only a path inside the console may be a redirect target (no ``//host`` nor ``http:``)."""
    if not target or not target.startswith("/console") or target.startswith("//") or "\\" in target:
        return None
    return target


def install_access_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _error: LoginRequired) -> Response:
        target = "/console/login"
        if request.method == "GET":
            here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            target += f"?next={quote(here, safe='')}"
        if request.headers.get("hx-request"):
            return Response("session expirée", status_code=401, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(PasswordChangeRequired)
    async def password_change(request: Request, _error: PasswordChangeRequired) -> Response:
        if request.headers.get("hx-request"):
            return Response("mot de passe à changer", status_code=401, headers={"HX-Redirect": PASSWORD_PATH})
        return RedirectResponse(PASSWORD_PATH, status_code=303)

    @app.exception_handler(PageForbidden)
    async def forbidden(request: Request, error: PageForbidden) -> Response:
        needed = ", ".join(ROLE_FR.get(role, role) for role in error.allowed)
        message = (f"Votre rôle ({ROLE_FR.get(error.role, error.role)}) ne permet pas d'ouvrir cette page : "
                   f"il faut être {needed}.")
        return render(request, "console/error.html", {"title": "Accès refusé", "message": message},
                      status_code=403)
