"""The action server as the stack starts it: loopback only, and its webhook needs the shared secret."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from guichet.settings import PROJECT_ROOT
from testing.listeners import listening_addresses
from testing.live import free_port

SECRET = "actions-test-secret-0123456789abcdef"
CALL = {"next_action": "action_that_does_not_exist", "sender_id": "c1", "version": "3.6.21",
        "tracker": {"sender_id": "c1", "slots": {}, "latest_message": {}, "events": []}, "domain": {}}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    port = free_port()
    var = tmp_path_factory.mktemp("actions")
    env = {**os.environ, "GUICHET_ACTIONS_PORT": str(port), "GUICHET_ACTIONS_SECRET": SECRET,
           "GUICHET_VAR_DIR": str(var), "GUICHET_API_URL": "http://127.0.0.1:9", "GUICHET_SERVICE_TOKEN": "t"}
    log = (Path(var) / "actions.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "actions.server"], cwd=PROJECT_ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(f"action server exited: {(Path(var) / 'actions.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("action server did not start in 60 s")
            time.sleep(0.2)
        yield url, process.pid
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 15)
        process.wait(timeout=15)
        log.close()


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": SECRET},
                                     {"X-Anything": SECRET}])
def test_webhook_without_the_secret_is_refused(server: tuple[str, int], headers: dict[str, str]) -> None:
    url, _ = server
    response = httpx.post(f"{url}/webhook", json=CALL, headers=headers, timeout=10)
    assert response.status_code == 401
    assert httpx.get(f"{url}/actions", headers=headers, timeout=10).status_code == 401


def test_webhook_with_the_secret_runs_the_call(server: tuple[str, int]) -> None:
    url, _ = server
    response = httpx.post(f"{url}/webhook", json=CALL, headers={"Authorization": f"Bearer {SECRET}"}, timeout=10)
    assert response.status_code == 404 and "action_that_does_not_exist" in response.text  # reached the executor


def test_no_cross_origin_access(server: tuple[str, int]) -> None:
    url, _ = server
    response = httpx.get(f"{url}/health", headers={"Origin": "https://evil.example"}, timeout=10)
    assert "access-control-allow-origin" not in response.headers


def test_listens_on_loopback_only(server: tuple[str, int]) -> None:
    _url, pid = server
    addresses = listening_addresses(pid)
    assert addresses and all(host == "127.0.0.1" for host, _port in addresses), addresses
