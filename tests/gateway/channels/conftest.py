"""The fake X and Mastodon APIs, Dovecot and an SMTP server started once for the session; each test gets a fresh
state and its own application."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from imap_tools import MailBoxUnencrypted

from gateway.rasa_client import RasaClient
from guichet.contract.limits import LIMITS
from guichet.settings import Settings
from handoff_api.main import create_app
from testing.email_harness import EmailHarness, MailWorld, email_settings_for
from testing.fakes import fake_rasa_transport
from testing.hours import ALWAYS_OPEN
from testing.live import serve
from testing.mail_servers import Captured, Imap, dovecot, smtp_server
from testing.mastodon_fake import FakeMastodon
from testing.mastodon_fake import make_app as make_mastodon_app
from testing.mastodon_fake.harness import TOKEN as MASTODON_TOKEN
from testing.mastodon_fake.harness import MastodonHarness, mastodon_settings_for
from testing.x_fake import FakeX, make_app
from testing.x_fake.harness import CREDENTIALS, CountingKnowledgeBase, Harness


@pytest.fixture(scope="session")
def x_server() -> Iterator[tuple[FastAPI, str]]:
    app = make_app(FakeX(credentials=CREDENTIALS))
    with serve(app) as live:
        yield app, live.url


@pytest.fixture
def fake_x(x_server: tuple[FastAPI, str]) -> FakeX:
    fake = FakeX(credentials=CREDENTIALS, bearer_token="oauth2-user-token")
    x_server[0].state.fake = fake
    return fake


def x_settings_for(tmp_path: Path, url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "var_dir": tmp_path / "var", "service_token": "service-test-token", "opening_hours": ALWAYS_OPEN,
        "x_api_url": url, "x_consumer_key": CREDENTIALS.consumer_key,
        "x_consumer_secret": CREDENTIALS.consumer_secret, "x_access_token": CREDENTIALS.access_token,
        "x_access_token_secret": CREDENTIALS.access_token_secret, "x_timeout_seconds": 5.0,
        "x_poll_seconds": 3600.0, "outbox_max_attempts": 8, **overrides,
    }
    return Settings(_env_file=None, **values)


@pytest.fixture
def x_settings(tmp_path: Path, x_server: tuple[FastAPI, str]) -> Settings:
    return x_settings_for(tmp_path, x_server[1])


def build_harness(settings: Settings, fake: FakeX) -> Harness:
    kb = CountingKnowledgeBase()
    app = create_app(settings, knowledge_base_loader=lambda _s, _f: kb,
                     rasa=RasaClient("http://rasa.test", transport=fake_rasa_transport(kb)))
    app.state.outbox.draw = lambda: 0.5
    return Harness(app=app, fake=fake, kb=kb)


@pytest.fixture
def x(x_settings: Settings, fake_x: FakeX) -> Iterator[Harness]:
    harness = build_harness(x_settings, fake_x)
    yield harness
    harness.app.state.engine.dispose()


@pytest.fixture(scope="session")
def mastodon_server() -> Iterator[tuple[FastAPI, str]]:
    app = make_mastodon_app(FakeMastodon(token=MASTODON_TOKEN))
    with serve(app) as live:
        yield app, live.url


@pytest.fixture
def fake_mastodon(mastodon_server: tuple[FastAPI, str]) -> FakeMastodon:
    fake = FakeMastodon(token=MASTODON_TOKEN)
    mastodon_server[0].state.fake = fake
    return fake


@pytest.fixture
def masto(tmp_path: Path, mastodon_server: tuple[FastAPI, str],
          fake_mastodon: FakeMastodon) -> Iterator[MastodonHarness]:
    LIMITS["mastodon"] = 500  # the instance's limit is read again by each application
    settings = mastodon_settings_for(tmp_path, mastodon_server[1])
    kb = CountingKnowledgeBase()
    app = create_app(settings, knowledge_base_loader=lambda _s, _f: kb,
                     rasa=RasaClient("http://rasa.test", transport=fake_rasa_transport(kb)))
    app.state.outbox.draw = lambda: 0.5
    yield MastodonHarness(app=app, fake=fake_mastodon, kb=kb)
    app.state.engine.dispose()
    LIMITS["mastodon"] = 500


@pytest.fixture(scope="session")
def imap_server() -> Iterator[Imap]:
    with dovecot() as imap:
        yield imap


@pytest.fixture(scope="session")
def smtp_capture() -> Iterator[tuple[int, Captured]]:
    with smtp_server() as served:
        yield served


@pytest.fixture
def mail(tmp_path: Path, imap_server: Imap, smtp_capture: tuple[int, Captured]) -> Iterator[EmailHarness]:
    with MailBoxUnencrypted(imap_server.host, imap_server.port).login(imap_server.user, imap_server.password) as box:
        box.delete(box.uids())  # a fresh mailbox for each test
    port, captured = smtp_capture
    with captured.lock:
        captured.mails.clear()
        captured.envelopes.clear()
        captured.refuse.clear()
    settings = email_settings_for(tmp_path, imap_server, port)
    kb = CountingKnowledgeBase()
    app = create_app(settings, knowledge_base_loader=lambda _s, _f: kb,
                     rasa=RasaClient("http://rasa.test", transport=fake_rasa_transport(kb)))
    app.state.outbox.draw = lambda: 0.5
    yield EmailHarness(app=app, fake=MailWorld(imap=imap_server, smtp=captured), kb=kb)
    app.state.engine.dispose()
