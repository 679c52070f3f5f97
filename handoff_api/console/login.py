"""``/console/login`` and ``/console/logout``: a password checked with argon2, then a signed session cookie."""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from guichet.crud.agents import agent_by_name, audit
from guichet.models import KeyValue, utcnow
from guichet.security import HashingBusy, hash_password, password_matches, pseudonym
from handoff_api.client_address import client_key
from handoff_api.committed_route import CommittedRoute
from handoff_api.console.access import HOME_BY_ROLE, ConsoleAnyone, safe_next
from handoff_api.console.middleware import logout_key
from handoff_api.console.session import (
    SessionCodec,
    SessionData,
    clear_cookie_header,
    cookie_header,
    secure_cookies,
)
from handoff_api.console.templating import render
from handoff_api.deps import SessionDep
from handoff_api.rate_limit import RateLimiter

router = APIRouter(prefix="/console", tags=["console"], include_in_schema=False, route_class=CommittedRoute)


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """Checked against when the name is unknown, so a wrong name takes as long as a wrong password."""
    return hash_password("guichet-no-such-account")


def secure(request: Request) -> bool:
    return secure_cookies(request.app.state.settings.cookie_secure, scheme=request.url.scheme,
                          forwarded_proto=request.headers.get("x-forwarded-proto"))


def set_session(request: Request, response: Response, data: SessionData) -> None:
    codec: SessionCodec = request.app.state.console_codec
    response.headers.append("set-cookie", cookie_header(codec, data, secure=secure(request)))


def login_page(request: Request, *, next_path: str | None, error: str | None = None, name: str = "",
               status_code: int = 200) -> Response:
    session: SessionData | None = request.state.console_session
    fresh = session is None
    if session is None:
        session = SessionData()
        request.state.csrf_token = session.csrf
    response = render(request, "console/login.html", {"next": next_path or "", "error": error, "name": name},
                      status_code=status_code)
    if fresh:
        set_session(request, response, session)
    return response


@router.get("/login")
def show_login(request: Request, next: str | None = None) -> Response:
    agent = request.state.console_agent
    if agent is not None:
        return RedirectResponse(safe_next(next) or HOME_BY_ROLE.get(agent.role, "/console"), status_code=303)
    return login_page(request, next_path=safe_next(next))


@router.post("/login")
def do_login(request: Request, session: SessionDep, name: Annotated[str, Form(max_length=80)],
             password: Annotated[str, Form(max_length=500)], next: Annotated[str, Form()] = "") -> Response:
    address = request.client.host if request.client else "unknown"
    per_address: RateLimiter = request.app.state.login_address_limiter
    per_account: RateLimiter = request.app.state.login_account_limiter
    try:
        per_address.check(f"login:{client_key(request)}")
        per_account.check(f"login:{name.strip().lower()}")
    except HTTPException:
        return login_page(request, next_path=safe_next(next), name=name, status_code=429,
                          error="Trop de tentatives : patientez une minute avant de réessayer.")
    agent = agent_by_name(session, name=name.strip())
    try:
        valid = password_matches(password, agent.password_hash if agent else dummy_hash())
    except HashingBusy:
        return login_page(request, next_path=safe_next(next), name=name, status_code=503,
                          error="Le service est très sollicité : réessayez dans un instant.")
    if agent is None or not valid:
        # An unknown name may be a password typed in the wrong field: kept only as a keyed hash.
        actor = agent.name if agent is not None else "unknown:" + pseudonym(request.app.state.audit_name_key,
                                                                           name.strip().lower())
        audit(session, actor=actor, action="console.login_failed", target="console",
              detail={"address": address})
        session.commit()
        return login_page(request, next_path=safe_next(next), name=name, status_code=401,
                          error="Identifiant ou mot de passe incorrect.")
    audit(session, actor=agent.name, action="console.login", target=f"agent:{agent.id}", detail={"address": address})
    session.commit()
    response = RedirectResponse(safe_next(next) or HOME_BY_ROLE.get(agent.role, "/console"), status_code=303)
    set_session(request, response, SessionData(agent_id=agent.id))
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, agent: ConsoleAnyone) -> Response:
    key = logout_key(agent.id)
    stored = session.get(KeyValue, key)
    if stored is None:
        session.add(KeyValue(key=key, value=time.time(), updated_at=utcnow()))
    else:
        stored.value = time.time()
        stored.updated_at = utcnow()
    audit(session, actor=agent.name, action="console.logout", target=f"agent:{agent.id}")
    session.commit()
    response = RedirectResponse("/console/login", status_code=303)
    response.headers.append("set-cookie", clear_cookie_header(secure=secure(request)))
    return response
