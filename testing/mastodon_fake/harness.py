"""The application wired to the fake Mastodon and the stand-in Rasa, polled and delivered by hand."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from guichet.settings import Settings
from testing.hours import ALWAYS_OPEN
from testing.mastodon_fake.state import FakeMastodon
from testing.x_fake.harness import Harness

TOKEN = "mastodon-test-token"


@dataclass
class MastodonHarness(Harness):
    fake: FakeMastodon  # type: ignore[assignment]


def mastodon_settings_for(tmp_path: Path, url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "var_dir": tmp_path / "var", "service_token": "service-test-token", "opening_hours": ALWAYS_OPEN,
        "mastodon_api_url": url, "mastodon_access_token": TOKEN, "mastodon_timeout_seconds": 5.0,
        "mastodon_poll_seconds": 3600.0, "outbox_max_attempts": 8, **overrides,
    }
    return Settings(_env_file=None, **values)
