"""The outgoing webhook cannot skip an event whose transaction commits after a later one's (PostgreSQL ids)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from guichet.crud import conversations as conv_crud
from guichet.crud import handoffs as crud
from guichet.crud import webhook_feed as feed
from guichet.crud.agents import ensure_departments
from guichet.db import make_engine, make_session_factory, session_scope
from guichet.migrate import upgrade
from guichet.models import HandoffEvent, KeyValue, utcnow
from guichet.opening_hours import OpeningHours
from guichet.settings import Settings
from handoff_api import webhooks
from testing.hours import ALWAYS_OPEN


class Received:
    def __init__(self) -> None:
        self.ids: list[str] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.ids.append(json.loads(request.content)["id"])
        return httpx.Response(204)


@pytest.fixture
def factory(database_url: str, tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(Settings(var_dir=tmp_path, database_url=database_url, _env_file=None))
    upgrade(engine)
    yield make_session_factory(engine)
    engine.dispose()


def _handoff(factory: sessionmaker[Session]) -> int:
    with session_scope(factory) as session:
        ensure_departments(session)
        conversation = conv_crud.new_conversation(session, channel="webchat")
        handoff, _ = crud.create_handoff(session, conversation=conversation, department="voirie", reason="test",
                                         summary="nid de poule", hours=OpeningHours.parse(ALWAYS_OPEN, "Europe/Paris"),
                                         first_response_hours=8, reopen_window=timedelta(hours=1))
        return handoff.id


def _event(handoff_id: int, action: str, event_id: int | None) -> HandoffEvent:
    return HandoffEvent(id=event_id, handoff_id=handoff_id, actor="test", action=action, from_status="waiting",
                        to_status="assigned")


def test_an_event_committed_after_a_later_one_is_still_sent_once(factory: sessionmaker[Session],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    received = Received()
    sender = webhooks.WebhookSender(url="http://receiver.test/hook", secret="s", session_factory=factory,
                                    transport=httpx.MockTransport(received.handle))
    sender.init_cursor()  # events from here on are sent
    handoff_id = _handoff(factory)
    postgres = factory.kw["bind"].dialect.name == "postgresql"

    # PostgreSQL: a transaction takes its id first and commits last. SQLite has one writer at a time, so
    # the same visibility is made with a lower id given explicitly to a row committed later.
    slow = factory()
    if postgres:
        slow.add(_event(handoff_id, "claim", None))
        slow.flush()
    with session_scope(factory) as fast:
        fast.add(_event(handoff_id, "transfer", None if postgres else 1000))

    asyncio.run(sender.send_pending())
    if not postgres:
        slow.add(_event(handoff_id, "claim", 999))
    with factory() as session:
        fast_id = session.query(HandoffEvent).filter(HandoffEvent.action == "transfer").one().id
    assert received.ids[-1:] == [f"evt-{fast_id}"]

    slow.commit()
    slow.close()
    asyncio.run(sender.send_pending())
    asyncio.run(sender.send_pending())
    with factory() as session:
        slow_id = min(e.id for e in session.query(HandoffEvent).filter(HandoffEvent.action == "claim"))
    assert slow_id < fast_id
    late = [i for i in received.ids if i in (f"evt-{slow_id}", f"evt-{fast_id}")]
    assert late == [f"evt-{fast_id}", f"evt-{slow_id}"]  # the late one is sent, and nothing twice

    # once the settling time has passed, the low-water mark moves past both and nothing is sent again
    monkeypatch.setattr(feed, "utcnow", lambda: utcnow() + feed.SETTLE + timedelta(seconds=1))
    asyncio.run(sender.send_pending())
    asyncio.run(sender.send_pending())
    assert len(received.ids) == len(set(received.ids))
    with factory() as session:
        stored = session.get(KeyValue, feed.CURSOR_KEY)
        assert stored is not None and stored.value["event"] >= fast_id and stored.value["sent"]["event"] == {}
