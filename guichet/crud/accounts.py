"""What an admin does to accounts and departments: list, deactivate, new token, add a department."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from guichet.crud.conversations import NotFound
from guichet.models import Agent, Department
from guichet.security import hash_token, new_token

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MIN_PASSWORD = 8


def check_password(password: str | None) -> None:
    if password is not None and len(password) < MIN_PASSWORD:
        raise ValueError(f"password: {len(password)} characters, at least {MIN_PASSWORD} are needed")


def list_agents(session: Session) -> list[Agent]:
    return list(session.scalars(select(Agent).order_by(Agent.active.desc(), Agent.name)))


def get_agent(session: Session, *, agent_id: int) -> Agent:
    agent = session.get(Agent, agent_id)
    if agent is None:
        raise NotFound(f"agent {agent_id} does not exist")
    return agent


def deactivate_agent(session: Session, *, agent_id: int) -> Agent:
    """The account can no longer log in nor use its token; its history stays."""
    agent = get_agent(session, agent_id=agent_id)
    agent.active = False
    return agent


def regenerate_token(session: Session, *, agent_id: int) -> tuple[Agent, str]:
    """A new API token (the old one stops working at once); shown once, stored as a hash."""
    agent = get_agent(session, agent_id=agent_id)
    if not agent.active:
        raise ValueError(f"agent {agent.name!r} is deactivated: a token would not work")
    token = new_token("gch")
    agent.token_hash = hash_token(token)
    return agent, token


def add_department(session: Session, *, slug: str, name: str) -> Department:
    slug, name = slug.strip(), " ".join(name.split())
    if not SLUG_RE.match(slug):
        raise ValueError(f"department slug {slug!r}: use 1-40 lower-case letters, digits or '-'")
    if not name or len(name) > 120:
        raise ValueError(f"department name {name!r}: must be 1-120 characters")
    if session.get(Department, slug) is not None:
        raise ValueError(f"department slug {slug!r} already exists")
    department = Department(slug=slug, name=name)
    session.add(department)
    session.flush()
    return department


def list_departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).order_by(Department.name)))
