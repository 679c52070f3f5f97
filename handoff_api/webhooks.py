"""The city's ticketing tool hears about handoffs: a signed POST to ``GUICHET_WEBHOOK_URL`` per event.

Events: ``handoff.created``, ``.reopened``, ``.claimed``, ``.transferred``, ``.replied`` (an agent's reply)
and ``.resolved`` (resolved or returned to the bot). They are read from the database (``crud.webhook_feed``:
the rows not sent yet, which a transaction committing late cannot make it skip), so none is lost across a
restart and they go out in order of time. The ``handoffs``
topic of the event bus wakes the sender up; it also looks every ``POLL_SECONDS`` (for changes made
through the JSON API, which does not publish). One instance sends at a time (a database lease).

The body is JSON; ``X-Guichet-Signature: sha256=<hex>`` is the HMAC-SHA256 of the raw body with
``GUICHET_WEBHOOK_SECRET``; ``X-Guichet-Delivery`` is a stable id to de-duplicate; ``X-Guichet-Event``
names the event. A failed delivery is retried with backoff, then again later (never dropped); a 4xx
other than 408/429 is the receiver refusing it, logged and skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from datetime import timedelta
from typing import Any

import httpx
from anyio import to_thread
from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker

from guichet.crud import webhook_feed as feed
from guichet.lease import acquire
from guichet.security import sign

log = logging.getLogger("guichet.webhooks")

LEASE_NAME = "webhook-sender"
POLL_SECONDS = 5.0
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)
PAUSE_AFTER_FAILURE = 60.0


class WebhookSender:
    def __init__(self, *, url: str, secret: str, session_factory: sessionmaker[Session],
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.url, self.secret, self.factory = url, secret, session_factory
        self.client = httpx.AsyncClient(timeout=10.0, transport=transport)
        self.holder = uuid.uuid4().hex

    def init_cursor(self) -> None:
        with self.factory() as session:
            feed.read_cursor(session)

    def advance(self, kind: str, row_id: int) -> None:
        with self.factory() as session:
            feed.advance_cursor(session, kind=kind, row_id=row_id)
            session.commit()

    def settle(self) -> None:
        with self.factory() as session:
            feed.settle_cursor(session)
            session.commit()

    def pending(self) -> list[feed.Pending]:
        with self.factory() as session:
            return feed.pending_deliveries(session)

    async def deliver(self, body: dict[str, Any]) -> bool:
        """True once delivered (or refused for good); False if every retry failed."""
        raw = json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str).encode()
        headers = {"Content-Type": "application/json", "X-Guichet-Event": body["event"],
                   "X-Guichet-Delivery": body["id"], "X-Guichet-Signature": sign(self.secret, raw)}
        for attempt, delay in enumerate((*RETRY_DELAYS, None), start=1):
            try:
                response = await self.client.post(self.url, content=raw, headers=headers)
                if response.status_code < 300:
                    return True
                if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
                    log.error("webhook %s refused with %s: skipped", body["id"], response.status_code)
                    return True
                problem = f"status {response.status_code}"
            except httpx.HTTPError as error:
                problem = f"{type(error).__name__}: {error}"
            log.warning("webhook %s attempt %d failed: %s", body["id"], attempt, problem)
            if delay is not None:
                await asyncio.sleep(delay)
        return False

    async def send_pending(self) -> bool:
        """Deliver everything waiting, in order; False if one could not be delivered (it is tried again later)."""
        held = await to_thread.run_sync(lambda: acquire(self.factory, name=LEASE_NAME, holder=self.holder,
                                                        ttl=timedelta(seconds=120)))
        if not held:
            return True
        for kind, row_id, body in await to_thread.run_sync(self.pending):
            if body is not None and not await self.deliver(body):
                return False
            await to_thread.run_sync(self.advance, kind, row_id)
        await to_thread.run_sync(self.settle)
        return True


def configured_secret(app: FastAPI) -> str | None:
    settings = app.state.settings
    if not settings.webhook_url:
        return None
    if settings.webhook_secret is None or not settings.webhook_secret.get_secret_value():
        log.error("GUICHET_WEBHOOK_URL is set but GUICHET_WEBHOOK_SECRET is not: no webhook will be sent")
        return None
    secret: str = settings.webhook_secret.get_secret_value()
    return secret


def install(app: FastAPI) -> None:
    """Start the cursor now (events from here on are sent) and run the sender with the app."""
    if configured_secret(app) is None:
        return
    with app.state.session_factory() as session:
        feed.read_cursor(session)
    app.state.background_tasks.append(webhook_task)


async def webhook_task(app: FastAPI) -> None:
    """Background task of the app (``app.state.background_tasks``); does nothing without a URL and a secret."""
    secret = configured_secret(app)
    if secret is None:
        return
    sender = WebhookSender(url=app.state.settings.webhook_url, secret=secret,
                           session_factory=app.state.session_factory)
    wake = asyncio.Event()

    async def follow() -> None:
        async for _ in app.state.events.subscribe("handoffs"):
            wake.set()

    follower = asyncio.create_task(follow())
    try:
        await to_thread.run_sync(sender.init_cursor)
        while True:
            try:
                delivered = await sender.send_pending()
            except Exception:
                log.exception("webhook sender failed; trying again later")
                delivered = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), POLL_SECONDS if delivered else PAUSE_AFTER_FAILURE)
            wake.clear()
            await asyncio.sleep(0.2)  # publishers may announce just before their transaction commits
    finally:
        follower.cancel()
        await sender.client.aclose()
