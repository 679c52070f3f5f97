"""The whole system for end-to-end tests: the real Rasa server, the action server and the app."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from guichet.crud.agents import create_agent
from guichet.db import make_engine, make_session_factory, session_scope
from guichet.migrate import upgrade
from guichet.models import Role
from handoff_api.stack import Stack
from testing.stack import running_stack, stack_settings

E2E_X_CONSUMER_SECRET = "e2e-x-consumer-secret"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    var = tmp_path_factory.mktemp("stack")
    # The X consumer secret alone turns on the X webhook's CRC and signature checks (not the channel).
    with running_stack(stack_settings(var, x_consumer_secret=E2E_X_CONSUMER_SECRET), var / "logs") as running:
        yield running


@pytest.fixture(scope="session")
def api(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.settings.resolved_api_url, timeout=60) as client:
        yield client


def account(stack: Stack, name: str, role: Role) -> dict[str, str]:
    engine = make_engine(stack.settings)
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        _, token = create_agent(session, name=name, role=role)
    engine.dispose()
    return {"Authorization": f"Bearer {token}"}
