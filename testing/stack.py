"""The whole system on free ports (real Rasa server, action server, app), for end-to-end tests and benchmarks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from guichet.settings import PROJECT_ROOT, Settings
from handoff_api.stack import Stack
from testing.hours import ALWAYS_OPEN
from testing.live import free_port
from testing.needs import unavailable


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
