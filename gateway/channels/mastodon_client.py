"""Mastodon.py's client for the city's account: who it is, the instance's limit, its quota, its errors.

Mastodon.py runs in ``throw`` mode: its ``wait`` mode would block the outbox worker's thread and is not
thread-safe. It still reads ``X-RateLimit-*`` on every answer (``ratelimit_remaining``, ``ratelimit_reset``):
the poller stops asking while the quota is used up, and a 429 pauses the channel until the reset, as on X.
"""

from __future__ import annotations

import logging
import re
import threading
from datetime import UTC, datetime
from typing import Any

from mastodon import (
    Mastodon,
    MastodonAPIError,
    MastodonError,
    MastodonNetworkError,
    MastodonRatelimitError,
    MastodonServerError,
    MastodonUnauthorizedError,
)

from gateway.channels.base import DeliveryError, RetryLater, Undeliverable
from guichet.contract.limits import LIMITS, set_limit
from guichet.settings import Settings

log = logging.getLogger("guichet.mastodon")
CHANNEL = "mastodon"
URL = re.compile(r"https?://\S+")
REMOTE_MENTION = re.compile(r"(@[\w.-]+)@[\w-]+(?:\.[\w-]+)+")
URL_WEIGHT = 23  # Mastodon counts every link as 23 characters


def toot_length(text: str) -> int:
    """As Mastodon counts: a link is 23 characters, ``@user@instance`` counts as ``@user``."""
    return len(REMOTE_MENTION.sub(r"\1", URL.sub("x" * URL_WEIGHT, text)))


class MastodonClient:
    """The city's account on one instance."""

    def __init__(self, *, settings: Settings):
        token = settings.mastodon_access_token
        if settings.mastodon_api_url is None or token is None:
            raise ValueError(f"Mastodon credentials: missing {', '.join(settings.mastodon_missing_credentials())}")
        self.api = Mastodon(access_token=token.get_secret_value(), api_base_url=settings.mastodon_api_url,
                            ratelimit_method="throw", request_timeout=settings.mastodon_timeout_seconds,
                            mastodon_version="4.3.0", version_check_mode="none", user_agent="guichet")
        self._own: tuple[str, str] | None = None
        self._limit_read = False
        self._lock = threading.Lock()

    def own(self) -> tuple[str, str]:
        """The account's id and ``acct`` (``GET /api/v1/accounts/verify_credentials``, once)."""
        if self._own is None:
            account = self.api.account_verify_credentials()
            self._own = (str(account["id"]), str(account["acct"]))
        return self._own

    def limit(self) -> int:
        """The instance's ``configuration.statuses.max_characters`` (read once; 500 if it does not say)."""
        with self._lock:
            if not self._limit_read:
                instance: Any = self.api.instance_v2()
                statuses = ((instance.get("configuration") or {}).get("statuses") or {})
                announced = statuses.get("max_characters")
                if isinstance(announced, int):
                    set_limit(CHANNEL, announced)
                else:
                    log.info("Mastodon: the instance announces no character limit; using %d", LIMITS[CHANNEL])
                self._limit_read = True
        return LIMITS[CHANNEL]

    def exhausted_until(self, *, now: datetime) -> datetime | None:
        """When the quota comes back, if the last answer said it was used up."""
        reset = self.api.ratelimit_reset
        if self.api.ratelimit_remaining > 0 or reset is None:
            return None
        until = datetime.fromtimestamp(float(reset), UTC)
        return until if until > now else None


def status_of(error: MastodonAPIError) -> int | None:
    """The HTTP status Mastodon.py put in the error's arguments."""
    return next((arg for arg in error.args if isinstance(arg, int)), None)


def delivery_error(error: Exception, *, client: MastodonClient) -> DeliveryError:
    """What a Mastodon.py or network error means for the outbox: wait, retry, or give up with a reason."""
    summary = " ".join(str(error).split())[:300]
    if isinstance(error, MastodonRatelimitError):
        reset = client.api.ratelimit_reset
        until = datetime.fromtimestamp(float(reset), UTC) if reset is not None else None
        return RetryLater(f"Mastodon rate limit (429), resets at {until:%H:%M:%S}Z" if until else
                          "Mastodon rate limit (429)", not_before=until, counts=False)
    if isinstance(error, MastodonServerError):
        return RetryLater(f"Mastodon unavailable: {summary}")
    if isinstance(error, MastodonUnauthorizedError):
        return RetryLater(f"Mastodon refused the token (check GUICHET_MASTODON_ACCESS_TOKEN): {summary}")
    if isinstance(error, MastodonAPIError):
        return Undeliverable(f"Mastodon refused the message: {summary}")
    if isinstance(error, MastodonNetworkError | MastodonError):
        return RetryLater(f"Mastodon unreachable: {type(error).__name__}: {summary}")
    raise error
