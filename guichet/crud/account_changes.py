"""What an admin changes in existing accounts and departments: reactivate, change a role, reset a password
(the owner must choose a new one at next login), rename a department, merge one into another."""

from __future__ import annotations

import secrets

from sqlalchemy import update
from sqlalchemy.orm import Session

from guichet.crud.accounts import check_password, get_agent
from guichet.crud.agents import RETIRED_PREFIX, end_console_sessions
from guichet.crud.conversations import NotFound
from guichet.models import Agent, Department, Handoff, KBEntry, KeyValue, Role, utcnow
from guichet.security import hash_password

ACCOUNT_ROLES = (Role.AGENT.value, Role.EDITOR.value, Role.ADMIN.value)
def reactivate(session: Session, *, agent_id: int) -> Agent:
    agent = get_agent(session, agent_id=agent_id)
    agent.active = True
    end_console_sessions(session, agent_id=agent_id)  # a cookie from before the deactivation stays dead
    return agent


def change_role(session: Session, *, agent_id: int, role: str, actor_id: int) -> Agent:
    if role not in ACCOUNT_ROLES:
        raise ValueError(f"role: {role!r} is not one of {', '.join(ACCOUNT_ROLES)}")
    agent = get_agent(session, agent_id=agent_id)
    if agent.role == Role.SERVICE.value:
        raise ValueError(f"agent {agent.name!r} is a service account: its role cannot change")
    if agent_id == actor_id and role != agent.role:
        raise ValueError(f"agent {agent_id}: an admin cannot change their own role")
    agent.role = role
    return agent


def reset_password(session: Session, *, agent_id: int) -> tuple[Agent, str]:
    """A temporary password, shown once; the owner must replace it at their next login."""
    agent = get_agent(session, agent_id=agent_id)
    if agent.role == Role.SERVICE.value:
        raise ValueError(f"agent {agent.name!r} is a service account: it has no password")
    temporary = secrets.token_urlsafe(12)
    agent.password_hash = hash_password(temporary)
    agent.must_change_password = True
    end_console_sessions(session, agent_id=agent_id)  # whoever holds an old session cannot choose the password
    return agent, temporary


def set_own_password(session: Session, *, agent_id: int, password: str) -> Agent:
    check_password(password)
    agent = get_agent(session, agent_id=agent_id)
    agent.password_hash = hash_password(password)
    agent.must_change_password = False
    return agent


def get_department(session: Session, *, slug: str) -> Department:
    department = session.get(Department, slug)
    if department is None:
        raise NotFound(f"department {slug!r} does not exist")
    return department


def rename_department(session: Session, *, slug: str, name: str) -> Department:
    name = " ".join(name.split())
    if not 1 <= len(name) <= 120:
        raise ValueError(f"department name {name!r}: must be 1-120 characters")
    department = get_department(session, slug=slug)
    department.name = name
    return department


def merge_departments(session: Session, *, source: str, into: str) -> dict[str, int]:
    """Move ``source``'s handoffs, agents and FAQ entries to ``into``, then remove ``source``. Returns counts."""
    if source == into:
        raise ValueError(f"into: {into!r} is the department being merged")
    get_department(session, slug=source)
    get_department(session, slug=into)
    moved = {}
    for name, model in (("handoffs", Handoff), ("agents", Agent), ("kb_entries", KBEntry)):
        result = session.execute(update(model).where(model.department == source).values(department=into)
                                 .execution_options(synchronize_session=False))
        moved[name] = int(getattr(result, "rowcount", 0))
    session.delete(get_department(session, slug=source))
    session.merge(KeyValue(key=f"{RETIRED_PREFIX}{source}", value=into, updated_at=utcnow()))
    session.flush()
    return moved
