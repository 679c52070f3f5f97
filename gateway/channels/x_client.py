"""tweepy's X API v2 client, sent to ``settings.x_api_url`` with a timeout, and its errors as delivery errors."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import Any

import requests
import tweepy
from requests.adapters import HTTPAdapter

from gateway.channels.base import DeliveryError, RetryLater, Undeliverable
from guichet.settings import Settings

log = logging.getLogger("guichet.x")
TWEEPY_HOST = "https://api.twitter.com"
DUPLICATE = "duplicate content"


class RedirectAdapter(HTTPAdapter):
    """Sends what tweepy signed for api.twitter.com to ``base_url``, and never waits forever."""

    def __init__(self, *, base_url: str, timeout: float):
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if request.url and self.base_url != TWEEPY_HOST and request.url.startswith(TWEEPY_HOST):
            request.url = self.base_url + request.url[len(TWEEPY_HOST):]
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().send(request, **kwargs)


class XClient:
    """One account on X: the tweepy client, its own user id, and what the rate-limit headers said."""

    def __init__(self, *, settings: Settings):
        secret = settings.x_consumer_secret
        token_secret = settings.x_access_token_secret
        bearer = settings.x_bearer_token
        self.user_auth = None not in (settings.x_consumer_key, secret, settings.x_access_token, token_secret)
        if not self.user_auth and bearer is None:
            raise ValueError(f"X credentials: missing {', '.join(settings.x_missing_credentials())}")
        self.tweepy = tweepy.Client(
            bearer_token=None if self.user_auth or bearer is None else bearer.get_secret_value(),
            consumer_key=settings.x_consumer_key, consumer_secret=secret.get_secret_value() if secret else None,
            access_token=settings.x_access_token,
            access_token_secret=token_secret.get_secret_value() if token_secret else None,
        )
        adapter = RedirectAdapter(base_url=settings.x_api_url, timeout=settings.x_timeout_seconds)
        self.tweepy.session.mount(TWEEPY_HOST, adapter)
        self.tweepy.session.hooks["response"].append(self._note_limits)
        self.access_token = settings.x_access_token
        self._own_id: str | None = None
        self._exhausted: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def own_id(self) -> str:
        """The account's user id: the access token's prefix with OAuth 1.0a, ``GET /2/users/me`` otherwise."""
        if self._own_id is None:
            if self.user_auth and self.access_token and "-" in self.access_token:
                self._own_id = self.access_token.partition("-")[0]
            else:
                me = self.tweepy.get_me(user_auth=self.user_auth)
                self._own_id = str(me.data.id)
        return self._own_id

    def _note_limits(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        remaining = response.headers.get("x-rate-limit-remaining")
        reset = response.headers.get("x-rate-limit-reset")
        if remaining is None or reset is None or not remaining.isdigit() or not reset.isdigit():
            return
        path = requests.utils.urlparse(response.url).path
        with self._lock:
            if int(remaining) == 0 or response.status_code == 429:
                self._exhausted[path] = datetime.fromtimestamp(int(reset), UTC)
            else:
                self._exhausted.pop(path, None)

    def exhausted_until(self, *, path: str, now: datetime) -> datetime | None:
        """When the quota of ``path`` comes back, if the last answer said it was used up."""
        with self._lock:
            until = self._exhausted.get(path)
        return until if until is not None and until > now else None


def reset_of(error: tweepy.TooManyRequests) -> datetime | None:
    reset = error.reset_time
    if reset is None and error.response is not None:
        header = error.response.headers.get("x-rate-limit-reset", "")
        reset = int(header) if header.isdigit() else None
    return None if reset is None else datetime.fromtimestamp(reset, UTC)


def is_duplicate(error: tweepy.Forbidden) -> bool:
    return any("duplicate" in str(message).lower() for message in error.api_messages) or "duplicate" in str(error)


def delivery_error(error: Exception) -> DeliveryError:
    """What a tweepy or network error means for the outbox: wait, retry, or give up with a reason."""
    summary = " ".join(str(error).split())[:300]
    if isinstance(error, tweepy.TooManyRequests):
        reset = reset_of(error)
        return RetryLater(f"X rate limit (429), resets at {reset:%H:%M:%S}Z" if reset else "X rate limit (429)",
                          not_before=reset, counts=False)
    if isinstance(error, tweepy.TwitterServerError):
        return RetryLater(f"X unavailable: {summary}")
    if isinstance(error, tweepy.Unauthorized):
        return RetryLater(f"X refused the credentials (check GUICHET_X_*): {summary}")
    if isinstance(error, tweepy.Forbidden | tweepy.BadRequest | tweepy.NotFound):
        return Undeliverable(f"X refused the message: {summary}")
    if isinstance(error, tweepy.HTTPException):
        return RetryLater(f"X answered {summary}")
    if isinstance(error, requests.RequestException):
        return RetryLater(f"X unreachable: {type(error).__name__}: {summary}")
    raise error
