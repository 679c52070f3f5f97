"""FastAPI dependencies: settings, a session per request, the caller and their role."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Path, Request
from sqlalchemy.orm import Session

from guichet.crud.agents import agent_by_token
from guichet.db import session_scope
from guichet.models import Agent, Role
from guichet.settings import Settings
from knowledge_base.types import SearchService


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_session(request: Request) -> Iterator[Session]:
    with session_scope(request.app.state.session_factory) as session:
        yield session


def get_knowledge_base(request: Request) -> SearchService:
    knowledge_base: SearchService | None = request.app.state.knowledge_base
    if knowledge_base is None or not knowledge_base.ready:
        raise HTTPException(503, "the knowledge base is still loading")
    return knowledge_base


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
# A row id in a path: an integer the databases can hold (beyond it SQLite raises and PostgreSQL errors).
MAX_ROW_ID = 2**63 - 1
RowId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="A row id")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
KnowledgeBaseDep = Annotated[SearchService, Depends(get_knowledge_base)]


def bearer_token(authorization: str | None) -> str | None:
    if authorization is None:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(401, "Authorization header must be 'Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


def current_agent(request: Request, session: SessionDep,
                  authorization: Annotated[str | None, Header()] = None) -> Agent:
    token = bearer_token(authorization)
    if token is None:
        cookie_agent: Agent | None = getattr(request.state, "console_agent", None)
        if cookie_agent is not None:
            return cookie_agent
        raise HTTPException(401, "missing token: send 'Authorization: Bearer <token>'",
                            headers={"WWW-Authenticate": "Bearer"})
    service_token = request.app.state.settings.service_token
    if service_token is not None and hmac.compare_digest(token.encode(), service_token.get_secret_value().encode()):
        return Agent(id=0, name="service", role=Role.SERVICE.value, active=True)
    agent = agent_by_token(session, token=token)
    if agent is None:
        raise HTTPException(401, "unknown or revoked token", headers={"WWW-Authenticate": "Bearer"})
    return agent


def caller_or_none(request: Request, session: Session, authorization: str | None) -> Agent | None:
    """The signed-in caller (token or console session), or ``None`` for an anonymous or unknown one."""
    try:
        return current_agent(request, session, authorization)
    except HTTPException:
        return None


def require(*roles: Role) -> Callable[[Agent], Agent]:
    allowed = {role.value for role in roles} | {Role.ADMIN.value}

    def check(agent: Annotated[Agent, Depends(current_agent)]) -> Agent:
        if agent.role not in allowed:
            raise HTTPException(403, f"role {agent.role!r} may not do this; needs one of {sorted(allowed)}")
        return agent

    return check


AgentDep = Annotated[Agent, Depends(require(Role.AGENT))]
EditorDep = Annotated[Agent, Depends(require(Role.EDITOR))]
AdminDep = Annotated[Agent, Depends(require())]
ServiceDep = Annotated[Agent, Depends(require(Role.SERVICE))]
SearcherDep = Annotated[Agent, Depends(require(Role.SERVICE, Role.EDITOR, Role.AGENT))]
