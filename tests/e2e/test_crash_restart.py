"""SIGKILL the application while 200 citizen messages are in flight, restart it: each ends with one outcome."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from handoff_api.db import make_engine, make_session_factory
from handoff_api.models import InboundState
from handoff_api.settings import PROJECT_ROOT
from handoff_api.stack import Stack
from tests.e2e.conftest import running_stack, stack_settings
from tests.e2e.outcomes import Ledger, outcome_problems, read_ledger, settled, x_problems
from tests.e2e.traffic import (
    add_dms,
    add_mentions,
    fake_x_server,
    in_background,
    open_conversations,
    send_all,
    wait_until,
    x_values,
)
from tests.x_fake import FakeX
from tests.x_fake.harness import CREDENTIALS

pytestmark = pytest.mark.rasa
X_CITIZENS = 50  # mentions, and as many DMs: with twice as many web chat messages, 200 in flight


@pytest.fixture
def fake_x() -> Iterator[tuple[FakeX, str]]:
    fake = FakeX(credentials=CREDENTIALS)
    with fake_x_server(fake) as server:
        yield fake, server.url


@pytest.fixture
def x_stack(tmp_path: Path, fake_x: tuple[FakeX, str]) -> Iterator[Stack]:
    settings = stack_settings(
        tmp_path / "var", faq_path=PROJECT_ROOT / "knowledge_base" / "faq" / "sports.yml",  # seeding costs seconds
        webchat_conversations_per_hour=1000, x_poll_seconds=1.0, **x_values(fake_x[1]))
    with running_stack(settings, tmp_path / "logs") as running:
        yield running


def handled(ledger: Ledger, *, x: bool) -> int:
    return sum(m.inbound_state == InboundState.HANDLED.value and (m.channel != "webchat") == x
               for m in ledger.inbound)


def worst_moment(fake: FakeX, ledger: Ledger) -> bool:
    """Web chat answers flowing, and X has sent a DM reply whose answer has not reached the application yet."""
    with fake.lock:
        sent = {dm["id"] for dm in fake.sent_dms}
    return handled(ledger, x=False) >= 10 and bool(sent - {item.external_id for item in ledger.outbox})


def test_sigkill_with_200_messages_in_flight(x_stack: Stack, fake_x: tuple[FakeX, str]) -> None:
    fake, url = fake_x[0], x_stack.settings.resolved_api_url
    engine = make_engine(x_stack.settings)
    factory = make_session_factory(engine)
    conversations = asyncio.run(open_conversations([url], 2 * X_CITIZENS))

    fake.answer_latency = 0.5
    add_dms(fake, X_CITIZENS)
    wait_until(lambda: handled(read_ledger(factory), x=True) >= 5, timeout=120, what="five DMs handled")
    add_mentions(fake, X_CITIZENS)
    sending = in_background(lambda: send_all([url], conversations))
    wait_until(lambda: worst_moment(fake, read_ledger(factory)), timeout=120, every=0.05,
               what="web chat messages handled while a DM reply is on its way back from X")
    x_stack.kill("app")
    at_kill = read_ledger(factory)
    pending = sum(m.inbound_state == InboundState.PENDING.value for m in at_kill.inbound)
    unread = 2 * X_CITIZENS - sum(m.channel != "webchat" for m in at_kill.inbound)
    assert pending >= 20, f"only {pending} stored messages were still unanswered when the app was killed"
    sent = sending.result(timeout=120)

    killed = time.monotonic()
    x_stack.restart("app")
    x_stack.wait_healthy(timeout=300)
    wait_until(lambda: settled(read_ledger(factory), x_messages=2 * X_CITIZENS), timeout=300,
               what="every message read, handled and its reply delivered")
    print(f"\nkilled with {pending} stored messages pending and {unread} X messages unread; "
          f"{sum(s.error is not None for s in sent)} web chat POSTs cut; settled {time.monotonic() - killed:.0f} s "
          "after the kill")

    ledger = read_ledger(factory)
    assert outcome_problems(ledger) == []
    assert x_problems(ledger, fake) == []
    per_conversation = Counter(m.conversation_id for m in ledger.inbound if m.channel == "webchat")
    assert set(per_conversation.values()) <= {1}
    for message in sent:
        if message.replies is not None:
            stored = next(m for m in ledger.inbound if m.conversation_id == message.conversation_id)
            assert [r["text"] for r in message.replies] == [r.text for r in ledger.replies[stored.id]]
    engine.dispose()
