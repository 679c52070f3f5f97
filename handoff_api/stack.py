"""The whole system as child processes: Rasa server, action server, application; stopped together."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlparse

import httpx
from pydantic import SecretStr

from handoff_api.rasa_model import ensure_model, rasa_environment, rasa_server_command
from handoff_api.secret_files import stored_secret
from handoff_api.settings import PROJECT_ROOT, Settings


class StackError(RuntimeError):
    pass


def configured_or_stored(value: SecretStr | None, path: Path) -> str:
    """The secret set in the settings, else the one kept in ``path`` (made once, 0600) so restarts agree."""
    if value is not None and value.get_secret_value():
        return value.get_secret_value()
    return stored_secret(path)


def service_token(settings: Settings) -> str:
    """The token the action server uses to call the application."""
    return configured_or_stored(settings.service_token, settings.var_dir / "service-token")


def actions_secret(settings: Settings) -> str:
    """What Rasa sends the action server (``Authorization: Bearer``, bot/endpoints.yml)."""
    return configured_or_stored(settings.actions_secret, settings.var_dir / "actions-secret")


def rasa_token(settings: Settings) -> str:
    """Rasa's ``--auth-token``: its HTTP API (status, trackers) answers only calls that carry it."""
    return configured_or_stored(settings.rasa_token, settings.var_dir / "rasa-token")


def setting_variables(settings: Settings) -> dict[str, str]:
    """Every setting the caller chose, as the ``GUICHET_*`` variables a child process reads back."""
    variables = {}
    for name in settings.model_fields_set:
        value = getattr(settings, name)
        if value is None:
            continue
        if isinstance(value, SecretStr):
            value = value.get_secret_value()
        variables[f"GUICHET_{name.upper()}"] = json.dumps(value) if isinstance(value, dict | list) else str(value)
    return variables


def child_environment(settings: Settings) -> dict[str, str]:
    env = rasa_environment()
    env.update(setting_variables(settings))
    env.update({
        "GUICHET_SERVICE_TOKEN": service_token(settings),
        "GUICHET_ACTIONS_SECRET": actions_secret(settings),
        "GUICHET_RASA_TOKEN": rasa_token(settings),
        "GUICHET_INTERNAL_HOST": settings.internal_host,
        "GUICHET_API_URL": settings.resolved_api_url,
        "GUICHET_ACTIONS_URL": settings.resolved_actions_url,
        "GUICHET_VAR_DIR": str(settings.var_dir),
        "GUICHET_DATABASE_URL": settings.resolved_database_url,
        "GUICHET_EMBEDDING_MODEL": settings.resolved_embedding_model,
        "PYTHONUNBUFFERED": "1",
    })
    return env


@dataclass
class Stack:
    settings: Settings
    logs: Path
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    commands: dict[str, tuple[list[str], dict[str, str]]] = field(default_factory=dict)
    _files: list[IO[bytes]] = field(default_factory=list)

    def start_process(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        log = (self.logs / f"{name}.log").open("ab")
        self._files.append(log)
        self.commands[name] = (command, env)
        self.processes[name] = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)

    def start(self, *, app: bool = True) -> None:
        settings = self.settings
        model = ensure_model(settings)
        env = child_environment(settings)
        self.start_process("actions", [sys.executable, "-m", "actions.server"], env)
        rasa_port = str(urlparse(settings.rasa_url).port or 5005)
        # --auth-token is added by bot/rasa_server.py from GUICHET_RASA_TOKEN: not on a command line others see.
        self.start_process("rasa", [*rasa_server_command(settings), "run", "--enable-api", "--model", str(model),
                                    "--port", rasa_port, "--interface", settings.internal_host,
                                    "--endpoints", str(PROJECT_ROOT / "bot" / "endpoints.yml"),
                                    "--credentials", str(PROJECT_ROOT / "bot" / "credentials.yml")], env)
        if app:
            self.start_app()

    def start_app(self) -> None:
        env = child_environment(self.settings)
        self.start_process("app", [sys.executable, "-m", "uvicorn", "--factory", "handoff_api.asgi:build",
                                   "--host", self.settings.host, "--port", str(self.settings.port),
                                   "--log-level", "warning", "--no-access-log",
                                   "--timeout-graceful-shutdown", "5",
                                   "--no-proxy-headers"], env)  # GUICHET_TRUSTED_PROXIES decides instead

    def wait_healthy(self, timeout: float = 300.0) -> dict[str, object]:
        deadline = time.monotonic() + timeout
        last: dict[str, object] = {}
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise StackError(f"{name} exited with code {process.returncode}; see {self.logs / name}.log")
            try:
                response = httpx.get(f"{self.settings.resolved_api_url}/api/health", timeout=5)
                last = response.json()
                if response.status_code == 200:
                    return last
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.5)
        raise StackError(f"not healthy after {timeout:.0f} s: {last}; logs in {self.logs}")

    def stop(self, names: list[str] | None = None) -> None:
        chosen = names or list(reversed(self.processes))
        for name in chosen:
            process = self.processes.get(name)
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for name in chosen:
            process = self.processes.get(name)
            if process is None:
                continue
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if names is None:
            for log in self._files:
                log.close()

    def restart(self, name: str) -> None:
        command, env = self.commands[name]
        if self.processes[name].poll() is None:
            self.stop([name])
        self.start_process(name, command, env)

    def kill(self, name: str) -> None:
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
