"""The city's own web chat: citizens post over HTTP and read replies from the database, so nothing to poll."""

from __future__ import annotations

from gateway.channels.base import Delivery
from guichet.contract.limits import LIMITS


class WebChat:
    """Channel ``webchat``: the stored message is the delivery, so the gateway writes no outbox row for it."""

    name = "webchat"
    limit = LIMITS["webchat"]

    async def poll(self) -> int:
        return 0

    def send(self, delivery: Delivery) -> str | None:
        return f"message:{delivery.item_id}"
