"""Two application instances on one PostgreSQL database: every citizen message handled once, by one of them."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import select

from gateway.x_poller import LEASE_NAME
from guichet.db import make_engine, make_session_factory, session_scope
from guichet.models import Lease
from guichet.settings import Settings
from handoff_api.stack import Stack
from testing.fakes import KeywordKnowledgeBase, fake_rasa_app
from testing.hours import ALWAYS_OPEN
from testing.live import free_port, serve
from testing.outcomes import outcome_problems, read_ledger, settled, x_problems
from testing.x_fake import FakeX
from testing.x_fake.harness import CREDENTIALS
from tests.e2e.traffic import (
    XServer,
    add_dms,
    add_mentions,
    fake_x_server,
    open_conversations,
    send_all,
    wait_serving,
    wait_until,
    x_values,
)

pytestmark = pytest.mark.postgres
X_CITIZENS = 40  # mentions, and as many DMs
WEB_CHAT = 80


@pytest.fixture
def stand_in_rasa() -> Iterator[tuple[FastAPI, str]]:
    app = fake_rasa_app(KeywordKnowledgeBase())
    with serve(app) as live:
        yield app, live.url


@pytest.fixture
def fake_x() -> Iterator[tuple[FakeX, list[XServer]]]:
    """One fake X behind two servers, one per instance, so that each instance's calls can be told apart."""
    fake = FakeX(credentials=CREDENTIALS)
    with ExitStack() as servers:
        yield fake, [servers.enter_context(fake_x_server(fake)) for _ in range(2)]


@pytest.fixture
def instances(tmp_path: Path, postgres_url: str, stand_in_rasa: tuple[FastAPI, str],
              fake_x: tuple[FakeX, list[XServer]]) -> Iterator[list[Stack]]:
    stacks = [Stack(Settings(var_dir=tmp_path / f"app{n}", port=free_port(), database_url=postgres_url,
                             rasa_url=stand_in_rasa[1], embedding_model="hashing:256", opening_hours=ALWAYS_OPEN,
                             service_token="e2e-service-token", webchat_conversations_per_hour=1000,
                             x_poll_seconds=1.0, **x_values(server.url), _env_file=None),
                    logs=tmp_path / f"app{n}" / "logs")
              for n, server in enumerate(fake_x[1])]
    try:
        for stack in stacks:
            stack.start_app()
        for stack in stacks:
            wait_serving(stack)
        yield stacks
    finally:
        for stack in stacks:
            stack.stop()


def test_two_instances_handle_each_message_once(instances: list[Stack], fake_x: tuple[FakeX, list[XServer]],
                                                stand_in_rasa: tuple[FastAPI, str]) -> None:
    fake, servers = fake_x
    urls = [stack.settings.resolved_api_url for stack in instances]
    engine = make_engine(instances[0].settings)
    factory = make_session_factory(engine)
    conversations = asyncio.run(open_conversations(urls, WEB_CHAT))

    add_mentions(fake, X_CITIZENS)
    add_dms(fake, X_CITIZENS)
    sent = asyncio.run(send_all(urls, conversations))
    assert [message.error for message in sent if message.error] == []
    wait_until(lambda: settled(read_ledger(factory), x_messages=2 * X_CITIZENS), timeout=120,
               what="every message read, handled and its reply delivered")

    ledger = read_ledger(factory)
    assert len(ledger.inbound) == WEB_CHAT + 2 * X_CITIZENS
    assert outcome_problems(ledger) == []
    assert x_problems(ledger, fake) == []
    to_the_bot = Counter(message["sender"] for message in stand_in_rasa[0].state.messages)
    assert to_the_bot == Counter(message.conversation_id for message in ledger.inbound)
    for message in sent:
        stored = next(m for m in ledger.inbound if m.conversation_id == message.conversation_id)
        assert [r["text"] for r in message.replies or []] == [r.text for r in ledger.replies[stored.id]]

    sends = sum(method == "POST" for server in servers for method, _ in server.calls)
    assert sends == len(fake.posted) + len(fake.sent_dms)  # no reply sent twice, not even refused as a duplicate
    polling = [n for n, server in enumerate(servers) if server.polls()]
    assert len(polling) == 1, f"both instances polled X: {[server.polls() for server in servers]}"
    with session_scope(factory) as session:
        holder = session.scalars(select(Lease.holder).where(Lease.name == LEASE_NAME)).one()
    assert holder.split(":")[1] == str(instances[polling[0]].processes["app"].pid)
    engine.dispose()
