"""The whole system for end-to-end tests: the real Rasa server, the action server and the app."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from guichet.crud.agents import create_agent
from guichet.db import make_engine, make_session_factory, session_scope
from guichet.migrate import upgrade
from guichet.models import Role
from guichet.settings import PROJECT_ROOT, Settings
from handoff_api.stack import Stack
from testing.live import free_port
from testing.needs import unavailable
from tests.conftest import ALWAYS_OPEN

E2E_X_CONSUMER_SECRET = "e2e-x-consumer-secret"


def stack_settings(var: Path, **overrides: Any) -> Settings:
    """The three processes on free ports, the trained Rasa model and the converted embedding model."""
    values: dict[str, Any] = {
        "var_dir": var, "port": free_port(), "rasa_url": f"http://127.0.0.1:{free_port()}",
        "actions_port": free_port(), "rasa_models_dir": PROJECT_ROOT / "var" / "rasa-models",
        "embedding_model": str(PROJECT_ROOT / "var" / "models" / "multilingual-e5-small"),
        "opening_hours": ALWAYS_OPEN, "service_token": "e2e-service-token", **overrides}
    return Settings(_env_file=None, **values)


@contextmanager
def running_stack(settings: Settings, logs: Path, *, timeout: float = 600) -> Iterator[Stack]:
    if not (PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa").exists():
        unavailable("the Rasa environment is not installed (make install)")
    running = Stack(settings, logs=logs)
    try:
        running.start()
        running.wait_healthy(timeout=timeout)
        yield running
    finally:
        running.stop()


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
