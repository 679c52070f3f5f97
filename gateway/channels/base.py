"""What every channel is: a name, a length limit, a way to fetch what citizens wrote, a way to send."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, runtime_checkable


@dataclass
class Delivery:
    """One outbox row as a channel sees it: ``recipient`` is the citizen's id on the channel, ``handle`` their
    public name there; ``progress`` holds the ids of the parts already sent (threads). Past the first
    ``attempt``, an earlier one may have reached the platform without its answer reaching us (a crash, a timeout);
    ``queued_at`` is when the reply was written."""

    item_id: int
    conversation_id: str
    recipient: str | None
    text: str
    handle: str | None = None
    reply_to: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    progress: list[str] = field(default_factory=list)
    attempt: int = 1
    queued_at: datetime | None = None


class DeliveryError(Exception):
    """Why a send did not happen; ``reason`` is what agents read on the undelivered message."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class RetryLater(DeliveryError):
    """A passing problem (platform down, timeout, rate limit): try again, not before ``not_before`` if given.

    ``counts`` is False for rate limits: waiting for a quota is not a failed attempt.
    """

    def __init__(self, reason: str, *, not_before: datetime | None = None, counts: bool = True):
        super().__init__(reason)
        self.not_before = not_before
        self.counts = counts


class Undeliverable(DeliveryError):
    """The platform refuses this message for good (deleted or protected account, bad request)."""


@runtime_checkable
class Channel(Protocol):
    """A place citizens write from. Adding Mastodon, e-mail or SMS is one module implementing this."""

    name: str
    limit: int

    async def poll(self) -> int:
        """Fetch what citizens wrote since last time and hand it to the gateway; returns how many were new."""
        ...

    def send(self, delivery: Delivery) -> str | None:
        """Deliver one reply (blocking); the platform's id of what was sent, ``None`` if it already had it."""
        ...
