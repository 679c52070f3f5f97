"""Logging into the console from a ``TestClient``: accounts with passwords, the session's CSRF token."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from guichet.crud.agents import create_agent
from guichet.db import session_scope
from guichet.models import Role
from handoff_api.console.session import COOKIE_NAME, SessionCodec

PASSWORD = "correct-horse-42"


def account(client: TestClient, name: str, role: Role, *, password: str = PASSWORD,
            department: str | None = None) -> int:
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        agent, _ = create_agent(session, name=name, role=role, password=password, department=department)
        return agent.id


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "no csrf_token field in the page"
    return found.group(1)


def session_token(client: TestClient) -> str:
    """The CSRF token of the client's current console session (read from its signed cookie)."""
    codec: SessionCodec = client.app.state.console_codec  # type: ignore[attr-defined]
    data = codec.decode(client.cookies.get(COOKIE_NAME))
    assert data is not None, "no valid console session cookie"
    return data.csrf


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log in through the form as a browser would; returns the new session's CSRF token."""
    page = client.get("/console/login")
    response = client.post("/console/login", data={"name": name, "password": password,
                                                   "csrf_token": form_token(page.text)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return session_token(client)
