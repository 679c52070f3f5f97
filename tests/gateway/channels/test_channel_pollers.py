"""Mastodon and e-mail are off, saying so once, without their settings; with them, each has its poller."""

from __future__ import annotations

import logging
import time

import pytest
from fastapi.testclient import TestClient

from guichet.settings import Settings
from handoff_api.main import create_app
from testing.fakes import KeywordKnowledgeBase
from testing.mastodon_fake.harness import MastodonHarness


def test_off_without_settings_said_once(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="guichet.channels"):
        app = create_app(settings, knowledge_base_loader=lambda _s, _f: KeywordKnowledgeBase())
    said = [r.getMessage() for r in caplog.records if "Mastodon channel off" in r.getMessage()
            or "E-mail channel off" in r.getMessage()]
    assert said == ["Mastodon channel off: missing GUICHET_MASTODON_API_URL, GUICHET_MASTODON_ACCESS_TOKEN",
                    "E-mail channel off: missing GUICHET_EMAIL_ADDRESS, GUICHET_EMAIL_IMAP_HOST, "
                    "GUICHET_EMAIL_IMAP_USER, GUICHET_EMAIL_IMAP_PASSWORD, GUICHET_EMAIL_SMTP_HOST"]
    assert app.state.pollers == {} and set(app.state.channels) == {"webchat"}
    app.state.engine.dispose()


def test_the_mastodon_poller_runs_in_the_background(masto: MastodonHarness) -> None:
    poller = masto.app.state.pollers["mastodon"]
    assert poller.lease_name == "mastodon:poller"
    masto.fake.add_mention(acct="alice", text="@guichet_ville les horaires des piscines ?")
    with TestClient(masto.app):
        deadline = time.monotonic() + 10
        while not masto.fake.posted and time.monotonic() < deadline:
            time.sleep(0.05)
    assert len(masto.fake.posted) == 1 and masto.fake.posted[0]["text"].startswith("@alice ")
