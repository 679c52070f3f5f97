"""The outbox worker: retries with backoff, failures agents can see, order per conversation, exactly once."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from gateway.channels.base import Delivery, RetryLater, Undeliverable
from gateway.outbox import Backoff, OutboxWorker
from gateway.rasa_client import RasaClient
from guichet.crud import conversations as conv_crud
from guichet.db import session_scope
from guichet.models import Author, Message, OutboxItem, utcnow
from guichet.settings import Settings
from handoff_api.main import KnowledgeBaseLoader, create_app
from testing.fakes import KeywordKnowledgeBase, fake_rasa_transport
from testing.live import serve
from testing.x_fake import FakeX, make_app
from testing.x_fake.harness import CREDENTIALS


def constant_loader(kb: KeywordKnowledgeBase) -> KnowledgeBaseLoader:
    return lambda _settings, _factory: kb


class ScriptedChannel:
    """Answers each send with the next scripted outcome (an exception to raise, or "ok")."""

    name = "x_dm"
    limit = 10_000

    def __init__(self, *outcomes: Exception | str) -> None:
        self.outcomes = list(outcomes)
        self.sent: list[str] = []

    async def poll(self) -> int:
        return 0

    def send(self, delivery: Delivery) -> str | None:
        outcome = self.outcomes.pop(0) if self.outcomes else "ok"
        if isinstance(outcome, Exception):
            raise outcome
        self.sent.append(delivery.text)
        return f"id-{delivery.item_id}"


def enqueue(session_factory: sessionmaker[Session], *, citizen: str, texts: list[str],
            channel: str = "x_dm") -> list[int]:
    with session_scope(session_factory) as session:
        conversation = conv_crud.conversation_for_ref(session, channel=channel, external_ref=citizen)
        items = []
        for text in texts:
            message = conv_crud.add_outgoing(session, conversation=conversation, author=Author.BOT, text=text)
            item = OutboxItem(conversation_id=conversation.id, message_id=message.id, channel=channel,
                              payload={"text": text, "reply_to": None})
            session.add(item)
            session.flush()
            items.append(item.id)
        return items


def item(session_factory: sessionmaker[Session], item_id: int) -> OutboxItem:
    with session_scope(session_factory) as session:
        found = session.get(OutboxItem, item_id)
        assert found is not None
        return found


def worker(session_factory: sessionmaker[Session], channel: ScriptedChannel, **options: object) -> OutboxWorker:
    return OutboxWorker(session_factory=session_factory, channels={channel.name: channel}, max_attempts=3,
                        draw=lambda: 1.0, **options)  # type: ignore[arg-type]


def test_backoff_grows_with_jitter_and_a_cap() -> None:
    backoff = Backoff(base_seconds=60, cap_seconds=3600)
    assert backoff.delay(attempts=1, draw=0.0) == timedelta(seconds=30)
    assert backoff.delay(attempts=3, draw=1.0) == timedelta(seconds=240)
    assert timedelta(seconds=1800) <= backoff.delay(attempts=12, draw=0.3) <= timedelta(seconds=3600)


def test_retries_then_fails_where_agents_see_it(session_factory: sessionmaker[Session]) -> None:
    [item_id] = enqueue(session_factory, citizen="1", texts=["bonjour"])
    channel = ScriptedChannel(*[RetryLater("X unavailable: 503")] * 3)
    outbox, now = worker(session_factory, channel), utcnow()
    for minutes in (0, 2, 5):
        assert outbox.run_once(now=now + timedelta(minutes=minutes)) == 1
        if minutes < 5:
            assert item(session_factory, item_id).next_attempt_at > now + timedelta(minutes=minutes)
    failed = item(session_factory, item_id)
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 3, "X unavailable: 503")
    with session_scope(session_factory) as session:
        message = session.get(Message, failed.message_id)
        assert message is not None and message.payload == {"delivery": "failed: X unavailable: 503"}


def test_refused_for_good_fails_at_once_and_surprises_are_retried(session_factory: sessionmaker[Session]) -> None:
    refused = enqueue(session_factory, citizen="1", texts=["a"])[0]
    surprise = enqueue(session_factory, citizen="2", texts=["b"])[0]
    channel = ScriptedChannel(Undeliverable("X refused the message: 403"), RuntimeError("boom"))
    worker(session_factory, channel).run_once()
    assert item(session_factory, refused).status == "failed"
    retried = item(session_factory, surprise)
    assert retried.status == "pending" and retried.last_error == "RuntimeError: boom"


def test_next_message_waits_for_the_one_before(session_factory: sessionmaker[Session]) -> None:
    first, second = enqueue(session_factory, citizen="1", texts=["un", "deux"])
    other = enqueue(session_factory, citizen="2", texts=["autre"])[0]
    channel = ScriptedChannel(RetryLater("X unavailable: 503"))
    outbox, now = worker(session_factory, channel), utcnow()
    assert outbox.run_once(now=now) == 2  # "un" (fails) and "autre"; "deux" is held back
    assert channel.sent == ["autre"] and item(session_factory, second).attempts == 0
    assert outbox.run_once(now=now + timedelta(seconds=5)) == 0  # "un" is not due yet, "deux" still waits
    assert outbox.run_once(now=now + timedelta(minutes=5)) == 1
    assert outbox.run_once(now=now + timedelta(minutes=5)) == 1
    assert channel.sent == ["autre", "un", "deux"]
    assert [item(session_factory, i).status for i in (first, second, other)] == ["sent"] * 3


def test_rate_limit_pauses_the_channel_without_counting(session_factory: sessionmaker[Session]) -> None:
    a, b = enqueue(session_factory, citizen="1", texts=["a"])[0], enqueue(session_factory, citizen="2", texts=["b"])[0]
    now = utcnow()
    channel = ScriptedChannel(RetryLater("X rate limit (429)", not_before=now + timedelta(seconds=30), counts=False))
    outbox = worker(session_factory, channel)
    assert outbox.run_once(now=now) == 2 and channel.sent == []
    assert [item(session_factory, i).attempts for i in (a, b)] == [0, 0]
    assert outbox.run_once(now=now + timedelta(seconds=20)) == 0
    assert outbox.run_once(now=now + timedelta(seconds=32)) == 2 and sorted(channel.sent) == ["a", "b"]


def test_rows_of_a_channel_that_is_off_wait(session_factory: sessionmaker[Session]) -> None:
    [waiting] = enqueue(session_factory, citizen="1", texts=["public"], channel="x_mention")
    assert worker(session_factory, ScriptedChannel()).run_once(now=utcnow() + timedelta(days=1)) == 0
    assert item(session_factory, waiting).status == "pending" and item(session_factory, waiting).attempts == 0


def test_two_workers_deliver_each_message_exactly_once(database_url: str, tmp_path: Path) -> None:
    fake = FakeX(credentials=CREDENTIALS)
    fake.latency = 0.005
    with serve(make_app(fake)) as live:
        apps = []
        for n in range(2):
            settings = Settings(var_dir=tmp_path / f"var{n}", database_url=database_url, _env_file=None,
                                x_api_url=live.url, x_consumer_key=CREDENTIALS.consumer_key,
                                x_consumer_secret=CREDENTIALS.consumer_secret,
                                x_access_token=CREDENTIALS.access_token,
                                x_access_token_secret=CREDENTIALS.access_token_secret)
            kb = KeywordKnowledgeBase()
            app = create_app(settings, knowledge_base_loader=constant_loader(kb),
                             rasa=RasaClient("http://rasa.test", transport=fake_rasa_transport(kb)))
            app.state.outbox.batch = 3
            apps.append(app)
        session_factory = apps[0].state.session_factory
        expected = {str(100 + c): [f"réponse {i} à {100 + c}" for i in range(4)] for c in range(8)}
        for citizen, texts in expected.items():
            enqueue(session_factory, citizen=citizen, texts=texts)

        barrier, handled = threading.Barrier(2), [0, 0]

        def run(n: int) -> None:
            barrier.wait()
            deadline = time.monotonic() + 20
            while pending(session_factory) and time.monotonic() < deadline:
                done = apps[n].state.outbox.run_once()
                handled[n] += done
                if not done:
                    time.sleep(0.005)

        threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        sent = [(d["participant_id"], d["text"]) for d in fake.sent_dms]
        assert len(sent) == len(set(sent)) == 32 and sum(handled) == 32
        assert all(handled), f"one worker did everything: {handled}"
        for citizen, texts in expected.items():
            assert [text for who, text in sent if who == citizen] == texts
        with session_scope(session_factory) as session:
            statuses = session.scalars(select(OutboxItem.status)).all()
            assert set(statuses) == {"sent"}
        for app in apps:
            app.state.engine.dispose()


def pending(session_factory: sessionmaker[Session]) -> int:
    with session_scope(session_factory) as session:
        return int(session.scalar(select(func.count()).select_from(OutboxItem).where(OutboxItem.status == "pending"))
                   or 0)
