"""The whole system as child processes: Rasa server, action server, application; stopped together.

Each role's command is built by its own function, so that one host can run a single role
(``guichet run --only rasa``) and a topology can start several of each (``handoff_api.topology``).
"""

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

from guichet.secret_files import stored_secret
from guichet.settings import PROJECT_ROOT, Settings
from handoff_api.rasa_endpoints import write_endpoints
from handoff_api.rasa_model import ensure_model, rasa_environment, rasa_server_command

ROLES = ("actions", "rasa", "app")  # in the order they start


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
    """What Rasa sends the action server (``Authorization: Bearer``, in var/rasa-endpoints.yml)."""
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


def actions_command(settings: Settings) -> list[str]:
    """The hardened action server (actions/server.py): rasa-sdk on ``GUICHET_INTERNAL_HOST`` and
    ``GUICHET_ACTIONS_PORT``, the shared secret required, its logs masked."""
    return [sys.executable, "-m", "actions.server"]


def rasa_port(settings: Settings) -> int:
    return urlparse(settings.rasa_url).port or 5005


def rasa_endpoints(settings: Settings) -> Path:
    """Rasa's endpoints file, written from the settings into var/ (handoff_api.rasa_endpoints), with the
    header that the action server requires (the file is 0600, like the secret's own)."""
    return write_endpoints(settings, path=settings.var_dir / "rasa-endpoints.yml",
                           action_headers={"Authorization": f"Bearer {actions_secret(settings)}"})


def rasa_command(settings: Settings, *, model: Path, endpoints: Path) -> list[str]:
    """``rasa run`` on ``GUICHET_INTERNAL_HOST``; ``--auth-token`` is added by bot/rasa_server.py from
    ``GUICHET_RASA_TOKEN``, not put on a command line that every local user can read in ``ps``."""
    return [*rasa_server_command(settings), "run", "--enable-api", "--model", str(model),
            "--port", str(rasa_port(settings)), "--interface", settings.internal_host, "--endpoints", str(endpoints),
            "--credentials", str(PROJECT_ROOT / "bot" / "credentials.yml")]


def app_command(settings: Settings) -> list[str]:
    return [sys.executable, "-m", "uvicorn", "--factory", "handoff_api.asgi:build",
            "--host", settings.host, "--port", str(settings.port),
            "--log-level", "warning", "--no-access-log",
            # on SIGTERM, requests in flight get the time of a whole Rasa round trip to finish (stop() waits 15 s)
            "--timeout-graceful-shutdown", str(min(14, int(settings.rasa_timeout_seconds) + 2)),
            "--no-proxy-headers"]  # GUICHET_TRUSTED_PROXIES decides instead


def health_url(settings: Settings, role: str) -> str:
    """What tells that a role is ready (and what a load balancer checks): paths open without a secret
    (Rasa's ``/`` answers once its model is loaded; its ``/status`` needs the auth token)."""
    urls = {"app": f"{settings.resolved_api_url}/api/health", "rasa": f"{settings.rasa_url.rstrip('/')}/",
            "actions": f"http://{settings.internal_host}:{settings.actions_port}/health"}
    return urls[role]


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

    def start(self, *, app: bool = True, roles: tuple[str, ...] | None = None) -> None:
        """Starts ``roles`` (all three by default; ``app=False`` leaves the application out)."""
        chosen = roles or tuple(role for role in ROLES if app or role != "app")
        unknown = set(chosen) - set(ROLES)
        if unknown:
            raise StackError(f"roles: {sorted(unknown)} are not among {list(ROLES)}")
        settings = self.settings
        env = child_environment(settings)
        if "actions" in chosen:
            self.start_process("actions", actions_command(settings), env)
        if "rasa" in chosen:
            self.start_process("rasa", rasa_command(settings, model=ensure_model(settings),
                                                    endpoints=rasa_endpoints(settings)), env)
        if "app" in chosen:
            self.start_app()

    def start_app(self) -> None:
        self.start_process("app", app_command(self.settings), child_environment(self.settings))

    def wait_healthy(self, timeout: float = 300.0) -> dict[str, object]:
        """Waits for the application's health (or, without an application here, each role's)."""
        deadline = time.monotonic() + timeout
        last: dict[str, object] = {}
        roles = ["app"] if "app" in self.processes else list(self.processes)
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise StackError(f"{name} exited with code {process.returncode}; see {self.logs / name}.log")
            try:
                responses = [httpx.get(health_url(self.settings, role), timeout=5) for role in roles]
                last = {role: response.text[:200] for role, response in zip(roles, responses, strict=True)}
                if all(response.status_code == 200 for response in responses):
                    body: dict[str, object] = responses[0].json() if roles == ["app"] else last
                    return body
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
