"""Agent accounts, their tokens, and the audit log of what they did."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from guichet.contract.departments import DEPARTMENT_LABELS
from guichet.crud.conversations import NotFound
from guichet.models import Agent, AuditEntry, Department, KeyValue, Role, utcnow
from guichet.security import hash_password, hash_token, new_token

RETIRED_PREFIX = "department_retired:"
"""A department merged into another is remembered under this key, so start-up does not create it again."""


def retired_departments(session: Session) -> set[str]:
    keys = session.scalars(select(KeyValue.key).where(KeyValue.key.startswith(RETIRED_PREFIX)))
    return {key.removeprefix(RETIRED_PREFIX) for key in keys}


def ensure_departments(session: Session) -> None:
    known = set(session.scalars(select(Department.slug)))
    known |= retired_departments(session)
    for slug, name in DEPARTMENT_LABELS.items():
        if slug not in known:
            session.add(Department(slug=slug, name=name))
    session.flush()


def create_agent(session: Session, *, name: str, role: Role, password: str | None = None,
                 department: str | None = None) -> tuple[Agent, str]:
    """A new account and its API token, which is shown once and stored only as a hash."""
    if not name.strip():
        raise ValueError("agent name: must not be empty")
    if session.scalar(select(Agent).where(Agent.name == name)) is not None:
        raise ValueError(f"agent name: {name!r} already exists")
    if department is not None and session.get(Department, department) is None:
        raise NotFound(f"department {department!r} does not exist")
    token = new_token("gch")
    agent = Agent(name=name, role=role.value, token_hash=hash_token(token), department=department,
                  password_hash=hash_password(password) if password else None)
    session.add(agent)
    session.flush()
    return agent, token


def agent_by_token(session: Session, *, token: str) -> Agent | None:
    return session.scalar(select(Agent).where(Agent.token_hash == hash_token(token), Agent.active.is_(True)))


def agent_by_name(session: Session, *, name: str) -> Agent | None:
    return session.scalar(select(Agent).where(Agent.name == name, Agent.active.is_(True)))


def logout_key(agent_id: int) -> str:
    """The ``KeyValue`` holding when the agent's console sessions last ended: older sessions are refused."""
    return f"console_logout:{agent_id}"


def end_console_sessions(session: Session, *, agent_id: int) -> None:
    """Every console session of the agent issued before now stops working (logout, password reset)."""
    session.merge(KeyValue(key=logout_key(agent_id), value=time.time(), updated_at=utcnow()))


def audit(session: Session, *, actor: str, action: str, target: str, detail: dict[str, Any] | None = None) -> None:
    session.add(AuditEntry(actor=actor, action=action, target=target, detail=detail))
