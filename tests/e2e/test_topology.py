"""Two instances of every process behind HAProxy, on PostgreSQL and Redis, under load from web chat and X:
an instance of each kind SIGKILLed in turn, a report form across Rasa restarts, a rolling restart of all."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import make_engine, make_session_factory
from guichet.models import InboundState
from guichet.settings import PROJECT_ROOT, Settings
from handoff_api.topology import Topology
from testing.hours import ALWAYS_OPEN
from testing.needs import unavailable
from testing.outcomes import outcome_problems, read_ledger, settled, x_problems
from testing.x_fake import FakeX
from testing.x_fake.harness import CREDENTIALS
from tests.e2e.traffic import QUESTIONS, Sent, fake_x_server, in_background, open_conversations, send_all, wait_until
from tests.e2e.traffic import x_values as fake_x_values

pytestmark = [pytest.mark.rasa, pytest.mark.postgres]
WEB_CHAT = 20
X_CITIZENS = 10  # mentions, and as many DMs, per round


class Traffic:
    """Rounds of citizens on web chat and X, and what became of every message."""

    def __init__(self, topology: Topology, fake: FakeX) -> None:
        self.topology, self.fake = topology, fake
        self.engine = make_engine(topology.base)
        self.factory: sessionmaker[Session] = make_session_factory(self.engine)
        self.x_messages = 0
        self.rounds = 0

    def add_x(self) -> None:
        offset = 1_000 * self.rounds
        for n in range(X_CITIZENS):
            self.fake.add_mention(author_id=str(30_000 + offset + n), username=f"citoyen{offset + n}",
                                  text=f"@guichet_ville {QUESTIONS[n % len(QUESTIONS)]}")
            self.fake.add_dm(sender_id=str(70_000 + offset + n), username=f"habitant{offset + n}",
                             text=QUESTIONS[(n + 3) % len(QUESTIONS)])
        self.x_messages += 2 * X_CITIZENS
        self.rounds += 1

    def handled(self) -> int:
        return sum(m.inbound_state == InboundState.HANDLED.value for m in read_ledger(self.factory).inbound)

    def settle(self) -> None:
        wait_until(lambda: settled(read_ledger(self.factory), x_messages=self.x_messages), timeout=300,
                   what="every message read, handled and its reply delivered")
        ledger = read_ledger(self.factory)
        assert outcome_problems(ledger) == []
        assert x_problems(ledger, self.fake) == []


@pytest.fixture(scope="module")
def fake_x() -> Iterator[tuple[FakeX, str]]:
    fake = FakeX(credentials=CREDENTIALS)
    with fake_x_server(fake) as server:
        yield fake, server.url


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory, fake_x: tuple[FakeX, str]) -> Iterator[Topology]:
    url = os.environ.get("GUICHET_TEST_POSTGRES_URL")
    if not url:
        unavailable("GUICHET_TEST_POSTGRES_URL is not set (make test sets it when PostgreSQL is installed)")
    if not (PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa").exists():
        unavailable("the Rasa environment is not installed (make install)")
    name = f"guichet_topology_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    root = tmp_path_factory.mktemp("topology")
    base = Settings(_env_file=None, var_dir=root, database_url=make_url(url).set(database=name).render_as_string(
        hide_password=False), rasa_models_dir=PROJECT_ROOT / "var" / "rasa-models", embedding_model="hashing:256",
        faq_path=PROJECT_ROOT / "knowledge_base" / "faq" / "sports.yml", opening_hours=ALWAYS_OPEN,
        service_token="e2e-service-token", webchat_conversations_per_hour=10_000, webchat_messages_per_minute=1000,
        webchat_address_messages_per_minute=100_000, x_poll_seconds=1.0, **fake_x_values(fake_x[1]))
    running = Topology(base, root=root, counts={"app": 2, "rasa": 2, "actions": 2})
    try:
        running.start()
        running.wait_ready(timeout=900)
        yield running
    finally:
        running.stop()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def traffic(topology: Topology, fake_x: tuple[FakeX, str]) -> Iterator[Traffic]:
    made = Traffic(topology, fake_x[0])
    yield made
    made.engine.dispose()


@pytest.mark.parametrize("role", ["app", "rasa", "actions"])
def test_sigkill_one_instance_under_load(topology: Topology, traffic: Traffic, role: str) -> None:
    topology.wait_ready()
    url = topology.app_url
    conversations = asyncio.run(open_conversations([url], WEB_CHAT))
    before = traffic.handled()
    traffic.add_x()
    sending = in_background(lambda: send_all([url], conversations))
    wait_until(lambda: traffic.handled() >= before + 5, timeout=120, every=0.05, what="messages being handled")
    topology.kill(role, 0)
    sent = sending.result(timeout=300)
    traffic.settle()
    cut = [s for s in sent if s.error]
    print(f"\n{role}0 SIGKILLed: {len(cut)} of {len(sent)} web chat POSTs cut, every message settled")
    topology.wait_ready()


def test_report_form_continues_after_its_rasa_servers_restart(topology: Topology) -> None:
    with httpx.Client(base_url=topology.app_url, timeout=60) as client:
        opened = client.post("/api/webchat/conversations").json()
        path = f"/api/webchat/conversations/{opened['conversation_id']}/messages"
        headers = {"Authorization": f"Bearer {opened['token']}"}

        def say(text: str) -> str:
            response = client.post(path, json={"text": text}, headers=headers)
            assert response.status_code == 200, response.text
            return str(response.json()["replies"][-1]["text"])

        assert "Quel est le problème" in say("je veux signaler un problème")
        assert "Où se trouve le problème" in say("un lampadaire allumé en plein jour")
        for index in (0, 1):
            topology.kill("rasa", index)
        topology.wait_ready()
        assert "Voulez-vous ajouter un détail" in say("devant l'école Jules Ferry")


def test_rolling_restart_fails_no_request(topology: Topology, traffic: Traffic) -> None:
    topology.wait_ready()
    url = topology.app_url
    conversations = asyncio.run(open_conversations([url], WEB_CHAT))
    traffic.add_x()
    results: list[Sent] = []
    restarting = True

    async def keep_sending() -> None:
        while restarting:
            results.extend(await send_all([url], conversations))
            await asyncio.sleep(0.2)

    sending = in_background(keep_sending)
    started = time.monotonic()
    try:
        for instance in list(topology.instances):
            topology.rolling_restart(instance.role, instance.index)
    finally:
        restarting = False
        sending.result(timeout=300)
    traffic.settle()
    failed = [s for s in results if s.error]
    print(f"\nrolling restart of {len(topology.instances)} instances in {time.monotonic() - started:.0f} s: "
          f"{len(results)} web chat messages, {len(failed)} failed")
    assert len(results) >= 2 * WEB_CHAT
    assert failed == []
