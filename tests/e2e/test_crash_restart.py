"""SIGKILL the application while 250 citizen messages are in flight (web chat, X, Mastodon, e-mail), restart it:
each ends with one outcome."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import make_engine, make_session_factory
from guichet.models import InboundState
from guichet.settings import PROJECT_ROOT
from handoff_api.stack import Stack
from testing.live import serve
from testing.mail_servers import Captured, Imap, dovecot, smtp_server
from testing.mastodon_fake import FakeMastodon
from testing.mastodon_fake import make_app as make_mastodon_app
from testing.mastodon_fake.harness import TOKEN as MASTODON_TOKEN
from testing.outcomes import Ledger, outcome_problems, read_ledger, settled, x_problems
from testing.stack import running_stack, stack_settings
from testing.x_fake import FakeX
from testing.x_fake.harness import CREDENTIALS
from tests.e2e.channel_traffic import (
    add_toots,
    email_problems,
    email_values,
    mastodon_problems,
    mastodon_values,
    send_mails,
)
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

pytestmark = pytest.mark.rasa
X_CITIZENS = 50  # mentions, and as many DMs: with twice as many web chat messages, 200 in flight
OTHER_CITIZENS = 25  # toots, and as many mails


@pytest.fixture
def fake_x() -> Iterator[tuple[FakeX, str]]:
    fake = FakeX(credentials=CREDENTIALS)
    with fake_x_server(fake) as server:
        yield fake, server.url
        fake.hold_dm_answers = False  # a held answer must not keep the server from stopping


@pytest.fixture
def others() -> Iterator[tuple[FakeMastodon, str, Imap, int, Captured]]:
    fake = FakeMastodon(token=MASTODON_TOKEN)
    with serve(make_mastodon_app(fake)) as mastodon, dovecot() as imap, smtp_server() as (port, captured):
        yield fake, mastodon.url, imap, port, captured


@pytest.fixture
def x_stack(tmp_path: Path, fake_x: tuple[FakeX, str],
            others: tuple[FakeMastodon, str, Imap, int, Captured]) -> Iterator[Stack]:
    _, mastodon_url, imap, smtp_port, _ = others
    settings = stack_settings(
        tmp_path / "var", faq_path=PROJECT_ROOT / "knowledge_base" / "faq" / "sports.yml",  # seeding costs seconds
        webchat_conversations_per_hour=1000, x_poll_seconds=1.0, mastodon_poll_seconds=1.0, email_poll_seconds=1.0,
        **x_values(fake_x[1]), **mastodon_values(mastodon_url), **email_values(imap, smtp_port))
    with running_stack(settings, tmp_path / "logs") as running:
        yield running


def handled(ledger: Ledger, *, x: bool) -> int:
    return sum(m.inbound_state == InboundState.HANDLED.value and (m.channel != "webchat") == x
               for m in ledger.inbound)


def pending(ledger: Ledger) -> int:
    return sum(m.inbound_state == InboundState.PENDING.value for m in ledger.inbound)


PENDING_AT_KILL = 20  # stored messages still unanswered when the app dies: what the restart must recover


class WorstMoment:
    """Web chat answers flowing, enough stored messages unanswered (a margin over ``PENDING_AT_KILL``: some are
    answered between this read and the kill), and a DM reply sent to X whose answer has not reached the application
    (X holds its answers, so that one stays in flight once sent)."""

    def __init__(self, fake: FakeX, factory: sessionmaker[Session]):
        self.fake, self.factory = fake, factory
        self.seen = "nothing read yet"

    def __call__(self) -> bool:
        ledger = read_ledger(self.factory)
        with self.fake.lock:
            sent = {dm["id"] for dm in self.fake.sent_dms}
        webchat, waiting = handled(ledger, x=False), pending(ledger)
        unanswered = len(sent - {item.external_id for item in ledger.outbox})
        self.seen = (f"last seen: {webchat} web chat messages handled (10 wanted), {waiting} stored messages pending "
                     f"({PENDING_AT_KILL + 5} wanted), {unanswered} DM replies sent without an answer (1 wanted)")
        return webchat >= 10 and waiting >= PENDING_AT_KILL + 5 and unanswered > 0


def test_sigkill_with_250_messages_in_flight(x_stack: Stack, fake_x: tuple[FakeX, str],
                                            others: tuple[FakeMastodon, str, Imap, int, Captured]) -> None:
    fake, url = fake_x[0], x_stack.settings.resolved_api_url
    mastodon, _, imap, _, captured = others
    channel_messages = 2 * X_CITIZENS + 2 * OTHER_CITIZENS
    engine = make_engine(x_stack.settings)
    factory = make_session_factory(engine)
    conversations = asyncio.run(open_conversations([url], 2 * X_CITIZENS))

    fake.answer_latency = 0.5
    add_dms(fake, X_CITIZENS)
    wait_until(lambda: handled(read_ledger(factory), x=True) >= 5, timeout=120, what="five DMs handled")
    fake.hold_dm_answers = True
    add_mentions(fake, X_CITIZENS)
    mastodon.answer_latency = 0.5
    add_toots(mastodon, OTHER_CITIZENS)
    send_mails(imap, OTHER_CITIZENS)
    sending = in_background(lambda: send_all([url], conversations))
    worst_moment = WorstMoment(fake, factory)
    wait_until(worst_moment, timeout=120, every=0.05, what=lambda: worst_moment.seen)
    x_stack.kill("app")
    fake.hold_dm_answers = False
    at_kill = read_ledger(factory)
    still_pending = pending(at_kill)
    unread = channel_messages - sum(m.channel != "webchat" for m in at_kill.inbound)
    in_flight = {channel: (sum(m.channel == channel for m in at_kill.inbound),
                           sum(m.channel == channel and m.inbound_state == InboundState.HANDLED.value
                               for m in at_kill.inbound)) for channel in ("mastodon", "email")}
    assert still_pending >= PENDING_AT_KILL, (
        f"only {still_pending} stored messages were still unanswered when the app was killed")
    sent = sending.result(timeout=120)

    killed = time.monotonic()
    x_stack.restart("app")
    x_stack.wait_healthy(timeout=300)
    wait_until(lambda: settled(read_ledger(factory), x_messages=channel_messages), timeout=300,
               what="every message read, handled and its reply delivered")
    print(f"\nkilled with {still_pending} stored messages pending and {unread} X, Mastodon and e-mail messages unread "
          f"(stored/handled at the kill: {in_flight}); "
          f"{sum(s.error is not None for s in sent)} web chat POSTs cut; settled {time.monotonic() - killed:.0f} s "
          "after the kill")

    ledger = read_ledger(factory)
    assert outcome_problems(ledger) == []
    assert x_problems(ledger, fake) == []
    assert mastodon_problems(ledger, mastodon) == []
    assert email_problems(ledger, captured, sent=[f"e2e-{n}@example.fr" for n in range(OTHER_CITIZENS)]) == []
    print(f"e-mail: {len(captured.mails)} sent for {sum(i.channel == 'email' for i in ledger.outbox)} replies "
          "(a retry after the kill carries the same Message-ID)")
    per_conversation = Counter(m.conversation_id for m in ledger.inbound if m.channel == "webchat")
    assert set(per_conversation.values()) <= {1}
    for message in sent:
        if message.replies is not None:
            stored = next(m for m in ledger.inbound if m.conversation_id == message.conversation_id)
            assert [r["text"] for r in message.replies] == [r.text for r in ledger.replies[stored.id]]
    engine.dispose()
