"""How the stack starts its processes: secrets in 0600 files, internal listeners on loopback, Rasa's token."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from guichet.settings import Settings
from handoff_api import stack as stack_module
from handoff_api.stack import Stack, child_environment, service_token

Launched = dict[str, tuple[list[str], dict[str, str]]]


def started_commands(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Launched:
    """The command and environment of each process ``Stack.start`` would launch (none is launched)."""
    launched: Launched = {}
    monkeypatch.setattr(stack_module, "ensure_model", lambda _settings: Path("/models/m.tar.gz"))
    monkeypatch.setattr(stack_module, "rasa_server_command", lambda _settings: ["rasa-python", "rasa_server.py"])
    monkeypatch.setattr(Stack, "start_process",
                        lambda self, name, command, env: launched.__setitem__(name, (command, env)))
    Stack(settings, logs=settings.var_dir / "logs").start()
    return launched


def test_service_token_file_is_never_readable_by_others(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = settings.model_copy(update={"service_token": None})
    monkeypatch.setattr(Path, "chmod", lambda *_args, **_kwargs: None)  # as if the process stopped before it
    old = os.umask(0o022)
    try:
        token = service_token(settings)
    finally:
        os.umask(old)
    path = settings.var_dir / "service-token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(token) >= 32 and service_token(settings) == token


def test_concurrent_starts_agree_on_one_secret(settings: Settings) -> None:
    settings = settings.model_copy(update={"service_token": None})
    found: list[str] = []
    threads = [threading.Thread(target=lambda: found.append(service_token(settings))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(found)) == 1 and found[0]


def test_every_internal_process_listens_on_loopback_by_default(settings: Settings,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    launched = started_commands(settings, monkeypatch)
    rasa, _ = launched["rasa"]
    assert rasa[rasa.index("--interface") + 1] == "127.0.0.1"
    actions, actions_env = launched["actions"]
    assert actions[1:3] == ["-m", "actions.server"]
    assert Settings(_env_file=None, var_dir=settings.var_dir).internal_host == "127.0.0.1"
    app, _ = launched["app"]
    assert app[app.index("--host") + 1] == "127.0.0.1"
    assert "GUICHET_INTERNAL_HOST" not in actions_env or actions_env["GUICHET_INTERNAL_HOST"] == "127.0.0.1"


def test_a_multi_host_deployment_sets_the_internal_address(settings: Settings,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    launched = started_commands(settings.model_copy(update={"internal_host": "10.1.2.3"}), monkeypatch)
    rasa, _ = launched["rasa"]
    assert rasa[rasa.index("--interface") + 1] == "10.1.2.3"
    assert launched["actions"][1]["GUICHET_INTERNAL_HOST"] == "10.1.2.3"


def test_rasa_runs_with_an_auth_token_and_calls_actions_with_the_secret(settings: Settings,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.rasa_server import with_auth_token

    launched = started_commands(settings, monkeypatch)
    rasa, rasa_env = launched["rasa"]
    token = rasa_env["GUICHET_RASA_TOKEN"]
    assert len(token) >= 32 and token not in rasa  # not on a command line every local user can read
    assert with_auth_token(rasa[1:], rasa_env)[-1] == f"--auth-token={token}"  # what bot/rasa_server.py runs
    assert launched["app"][1]["GUICHET_RASA_TOKEN"] == token
    dashed = with_auth_token(["rasa", "run"], {"GUICHET_RASA_TOKEN": "-ru4x"})  # a token_urlsafe may start so
    assert dashed == ["rasa", "run", "--auth-token=-ru4x"]
    secret = rasa_env["GUICHET_ACTIONS_SECRET"]
    assert len(secret) >= 32 and launched["actions"][1]["GUICHET_ACTIONS_SECRET"] == secret
    for name in ("rasa-token", "actions-secret"):
        assert stat.S_IMODE((settings.var_dir / name).stat().st_mode) == 0o600
    assert child_environment(settings)["GUICHET_ACTIONS_SECRET"] == secret  # restarts agree


def test_the_endpoints_file_sends_the_secret_to_the_action_server(settings: Settings,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    launched = started_commands(settings, monkeypatch)
    rasa, rasa_env = launched["rasa"]
    path = Path(rasa[rasa.index("--endpoints") + 1])
    assert path == settings.var_dir / "rasa-endpoints.yml"
    endpoints = yaml.safe_load(path.read_text())
    secret = rasa_env["GUICHET_ACTIONS_SECRET"]
    assert endpoints["action_endpoint"] == {"url": settings.resolved_actions_url,
                                            "headers": {"Authorization": f"Bearer {secret}"}}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
