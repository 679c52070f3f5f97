"""One poller at a time (a lease in the database), and the application's background tasks end to end."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from gateway.x_poller import Poller
from guichet import lease
from guichet.db import make_engine, make_session_factory
from guichet.migrate import upgrade
from guichet.models import utcnow
from guichet.settings import Settings
from handoff_api.main import create_app
from testing.fakes import KeywordKnowledgeBase
from testing.x_fake import FakeX
from tests.gateway.channels.conftest import build_harness, x_settings_for


class CountingChannel:
    name = "counting"
    limit = 280

    def __init__(self) -> None:
        self.polls = 0

    async def poll(self) -> int:
        self.polls += 1
        return 0

    def send(self, delivery: object) -> str | None:
        raise AssertionError("not used")


def test_lease_is_held_renewed_and_taken_over_when_expired(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(Settings(var_dir=tmp_path, database_url=database_url, _env_file=None))
    upgrade(engine)
    factory = make_session_factory(engine)
    now, ttl = utcnow(), timedelta(seconds=30)
    assert lease.acquire(factory, name="x:poller", holder="a", ttl=ttl, now=now)
    assert not lease.acquire(factory, name="x:poller", holder="b", ttl=ttl, now=now + timedelta(seconds=10))
    assert lease.acquire(factory, name="x:poller", holder="a", ttl=ttl, now=now + timedelta(seconds=20))  # renewed
    assert not lease.acquire(factory, name="x:poller", holder="b", ttl=ttl, now=now + timedelta(seconds=40))
    assert lease.acquire(factory, name="x:poller", holder="b", ttl=ttl, now=now + timedelta(seconds=51))
    lease.release(factory, name="x:poller", holder="b")
    assert lease.acquire(factory, name="x:poller", holder="a", ttl=ttl, now=now + timedelta(seconds=52))

    channels = [CountingChannel(), CountingChannel()]
    pollers = [Poller(channels=[channel], session_factory=factory, interval=10, holder=f"p{n}")
               for n, channel in enumerate(channels)]

    async def race() -> list[bool]:
        results: list[bool] = []
        for _ in range(3):
            results.extend(await asyncio.gather(*(p.cycle() for p in pollers)))
        return results

    results = asyncio.run(race())
    assert sum(channel.polls for channel in channels) == results.count(True) == 0  # "a" still holds it
    lease.release(factory, name="x:poller", holder="a")
    assert asyncio.run(race()).count(True) == 3
    assert sorted(channel.polls for channel in channels) == [0, 3]
    engine.dispose()


def test_background_tasks_poll_and_deliver(tmp_path: Path, x_server: tuple[FastAPI, str], fake_x: FakeX) -> None:
    settings = x_settings_for(tmp_path, x_server[1], x_poll_seconds=0.2)
    harness = build_harness(settings, fake_x)
    fake_x.add_mention(author_id="42", username="alice", text="@guichet_ville les horaires des piscines ?")
    fake_x.add_dm(sender_id="55", username="dora", text="bonjour")
    with TestClient(harness.app):
        deadline = time.monotonic() + 10
        while (not fake_x.posted or not fake_x.sent_dms) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert len(fake_x.posted) == 1 and len(fake_x.sent_dms) == 1
    harness.app.state.engine.dispose()


def test_x_off_is_said_once_and_the_outbox_still_runs(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="guichet.channels"):
        app = create_app(settings, knowledge_base_loader=lambda _s, _f: KeywordKnowledgeBase())
    off = [r.getMessage() for r in caplog.records if "X/Twitter channel off" in r.getMessage()]
    assert off == ["X/Twitter channel off: missing GUICHET_X_CONSUMER_KEY, GUICHET_X_CONSUMER_SECRET, "
                   "GUICHET_X_ACCESS_TOKEN, GUICHET_X_ACCESS_TOKEN_SECRET"]
    names = [task.__name__ for task in app.state.background_tasks]
    assert "deliver" in names and "poll" not in names and app.state.poller is None
    assert set(app.state.channels) == {"webchat"}
    app.state.engine.dispose()


def test_oauth2_user_token_works_too(tmp_path: Path, x_server: tuple[FastAPI, str], fake_x: FakeX) -> None:
    settings = x_settings_for(tmp_path, x_server[1], x_consumer_key=None, x_consumer_secret=None,
                              x_access_token=None, x_access_token_secret=None, x_bearer_token="oauth2-user-token")
    harness = build_harness(settings, fake_x)
    fake_x.add_mention(author_id="42", username="alice", text="@guichet_ville les horaires des piscines ?")
    assert harness.poll("x_mention") == 1
    harness.deliver()
    assert len(fake_x.posted) == 1
    assert ("GET", "/2/users/me", {}) in fake_x.calls  # the account's id comes from /2/users/me
    harness.app.state.engine.dispose()
