"""Login throttling per address and per account, and a bound on concurrent argon2 hashing."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from guichet import security
from guichet.models import Role
from tests.handoff_api.console_client import account, form_token


def attempt(client: TestClient, name: str, password: str = "nope") -> int:
    page = client.get("/console/login")
    return client.post("/console/login", data={"name": name, "password": password,
                                               "csrf_token": form_token(page.text)}).status_code


def from_address(client: TestClient, address: str) -> TestClient:
    return TestClient(client.app, client=(address, 40000))


def test_changing_the_name_does_not_reset_the_address_limit(client: TestClient) -> None:
    statuses = [attempt(client, f"guess-{n}") for n in range(11)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429


def test_changing_the_address_does_not_reset_the_account_limit(client: TestClient) -> None:
    account(client, "alice", Role.AGENT)
    statuses = [attempt(from_address(client, f"198.51.100.{n}"), "alice") for n in range(11)]
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
    assert attempt(from_address(client, "198.51.100.200"), "bob") == 401


def test_addresses_of_one_ipv6_network_share_a_limit(client: TestClient) -> None:
    statuses = [attempt(from_address(client, f"2001:db8:1:2::{n:x}"), f"guess-{n}") for n in range(11)]
    assert statuses[10] == 429
    assert attempt(from_address(client, "2001:db8:1:3::1"), "guess") == 401


class SlowHasher:
    """Stands in for argon2: records how many hashes run at the same time."""

    def __init__(self) -> None:
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()

    def _work(self) -> None:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1

    def hash(self, password: str) -> str:
        self._work()
        return "hash:" + password

    def verify(self, stored_hash: str, password: str) -> bool:
        self._work()
        return stored_hash == "hash:" + password


@pytest.fixture
def slow_hasher(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowHasher]:
    hasher = SlowHasher()
    monkeypatch.setattr(security, "_hasher", hasher)
    security.limit_hashing(concurrency=2)
    yield hasher
    security.limit_hashing(concurrency=security.DEFAULT_HASH_CONCURRENCY)


def test_password_hashing_runs_at_most_n_at_a_time(slow_hasher: SlowHasher) -> None:
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(security.password_matches("pw", "hash:pw")))
               for _ in range(6)]
    threads += [threading.Thread(target=lambda: results.append(security.hash_password("pw") == "hash:pw"))
                for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 8
    assert slow_hasher.most == 2


def test_a_login_that_finds_no_hashing_slot_gets_503(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    account(client, "alice", Role.AGENT)
    monkeypatch.setattr(security, "HASH_WAIT_SECONDS", 0.2)
    security.limit_hashing(concurrency=1)
    held = security._slots.free
    held.acquire()
    try:
        assert attempt(client, "alice") == 503
    finally:
        held.release()
        security.limit_hashing(concurrency=security.DEFAULT_HASH_CONCURRENCY)
    assert attempt(client, "alice") == 401


def test_past_the_waiting_room_a_hash_is_refused_at_once() -> None:
    security.limit_hashing(concurrency=1)
    slots = security._slots
    slots.free.acquire()
    waiters = [threading.Thread(target=_wait, args=(slots,)) for _ in range(security.WAITING_PER_SLOT)]
    try:
        for thread in waiters:
            thread.start()
        time.sleep(0.2)
        started = time.monotonic()
        with pytest.raises(security.HashingBusy):
            security.password_matches("pw", "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA")
        assert time.monotonic() - started < 0.5
    finally:
        slots.free.release()
        for thread in waiters:
            thread.join()
        security.limit_hashing(concurrency=security.DEFAULT_HASH_CONCURRENCY)


def _wait(slots: security.HashSlots) -> None:
    with slots.take():
        pass
