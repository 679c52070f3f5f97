"""A locked SQLite file or a database that does not answer holds only the requests that need it."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gateway.rasa_client import RasaClient
from guichet.crud.agents import create_agent
from guichet.db import session_scope
from guichet.models import Role
from guichet.settings import Settings
from handoff_api.main import create_app
from testing.fakes import KeywordKnowledgeBase
from testing.live import LiveServer, serve
from tests.handoff_api.test_webchat_stream import open_conversation, say

QUICK = httpx.Timeout(3.0)


@pytest.fixture
def live(settings: Settings, knowledge_base: KeywordKnowledgeBase, rasa_transport) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    rasa = RasaClient("http://rasa.test", transport=rasa_transport)
    with serve(create_app(settings, knowledge_base_loader=lambda _s, _f: knowledge_base, rasa=rasa)) as server:
        yield server


def in_background(call: Any) -> tuple[threading.Thread, list[Any]]:
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(call()))
    thread.start()
    return thread, result


@pytest.mark.parametrize("action", ["resolve", "return-to-bot"])
def test_a_write_waiting_for_a_locked_database_does_not_freeze_other_requests(live: LiveServer, settings: Settings,
                                                                              action: str) -> None:
    conversation_id, token = open_conversation(live)
    say(live, conversation_id, token, "mon voisin a un problème de succession")
    with session_scope(live.app.state.session_factory) as session:
        _, agent_token = create_agent(session, name="alice", role=Role.AGENT)
    agent = {"Authorization": f"Bearer {agent_token}"}
    handoff_id = httpx.get(f"{live.url}/api/handoffs?status=waiting", headers=agent, timeout=QUICK).json()[0]["id"]
    assert httpx.post(f"{live.url}/api/handoffs/{handoff_id}/claim", headers=agent, timeout=QUICK).status_code == 200

    locker = sqlite3.connect(settings.var_dir / "guichet.db", isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        closing, closed = in_background(lambda: httpx.post(f"{live.url}/api/handoffs/{handoff_id}/{action}",
                                                           headers=agent, timeout=40))
        time.sleep(0.5)
        assert closing.is_alive(), "the write should be waiting for the lock"
        started = time.monotonic()
        other = httpx.post(f"{live.url}/api/webchat/conversations", timeout=QUICK)
        assert other.status_code == 201
        assert time.monotonic() - started < 2
        assert closing.is_alive()
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    closing.join(timeout=40)
    assert closed and closed[0].status_code == 200, closed


def test_health_waiting_for_the_database_does_not_freeze_other_requests(live: LiveServer) -> None:
    release = threading.Event()
    engine = live.app.state.engine

    class HangingEngine:
        """A database server that accepted the connection and then stopped answering."""

        def connect(self) -> Any:
            release.wait(20)
            return engine.connect()

    live.app.state.engine = HangingEngine()
    try:
        checking, checked = in_background(lambda: httpx.get(f"{live.url}/api/health", timeout=30))
        time.sleep(0.3)
        assert checking.is_alive()
        other = httpx.post(f"{live.url}/api/webchat/conversations", timeout=QUICK)
        assert other.status_code == 201
    finally:
        release.set()
        live.app.state.engine = engine
    checking.join(timeout=30)
    assert checked and checked[0].json()["components"]["database"] == "ok"
