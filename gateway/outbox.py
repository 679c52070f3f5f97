"""The outbox worker: every reply to X goes out once, in order per conversation, retried until it does."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from anyio import to_thread
from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from gateway.channels.base import Channel, Delivery, RetryLater, Undeliverable
from guichet.db import session_scope
from guichet.events import EventBus
from guichet.models import Conversation, Message, OutboxItem, OutboxStatus, utcnow

log = logging.getLogger("guichet.outbox")
PENDING = OutboxStatus.PENDING.value
RESERVED = {"text", "reply_to", "parts"}


@dataclass(frozen=True)
class Backoff:
    """Exponential delays with jitter: attempt n waits between half and all of ``base * 2**(n-1)``, capped."""

    base_seconds: float = 60.0
    cap_seconds: float = 3600.0

    def delay(self, *, attempts: int, draw: float) -> timedelta:
        full = min(self.cap_seconds, self.base_seconds * 2 ** max(attempts - 1, 0))
        return timedelta(seconds=full * (0.5 + draw / 2))


class OutboxWorker:
    def __init__(self, *, session_factory: sessionmaker[Session], channels: Mapping[str, Channel],
                 max_attempts: int, backoff: Backoff = Backoff(), batch: int = 20,
                 claim_for: timedelta = timedelta(minutes=2), events: EventBus | None = None,
                 draw: Callable[[], float] = random.random):
        self.factory = session_factory
        self.channels = channels
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.batch = batch
        self.claim_for = claim_for
        self.events = events
        self.draw = draw
        self.paused: dict[str, datetime] = {}

    async def run(self, *, interval: float = 1.0) -> None:
        while True:
            try:
                handled = await to_thread.run_sync(self.run_once)
            except Exception:
                log.exception("outbox: a round failed; trying again in %.0f s", interval)
                handled = 0
            if not handled:
                await asyncio.sleep(interval)

    def run_once(self, *, now: datetime | None = None) -> int:
        """Claim the due rows (the oldest pending one of each conversation) and deliver them."""
        moment = now or utcnow()
        claimed = self._claim(moment)
        for delivery, channel in claimed:
            paused = self.paused.get(channel.name)
            if paused is not None and paused > moment:
                self._retry(delivery, RetryLater("waiting for the rate limit", not_before=paused, counts=False), moment)
                continue
            try:
                external_id = channel.send(delivery)
            except (RetryLater, Undeliverable) as error:
                self._retry(delivery, error, moment)
            except Exception as error:
                log.exception("outbox: item %s on %s failed unexpectedly", delivery.item_id, channel.name)
                self._retry(delivery, RetryLater(f"{type(error).__name__}: {error}"), moment)
            else:
                self._sent(delivery, external_id, moment)
        return len(claimed)

    def _claim(self, moment: datetime) -> list[tuple[Delivery, Channel]]:
        names = [name for name in self.channels if self.paused.get(name, moment) <= moment]
        earlier = aliased(OutboxItem)
        waiting = exists().where(earlier.conversation_id == OutboxItem.conversation_id,
                                 earlier.status == PENDING, earlier.id < OutboxItem.id)
        due = (select(OutboxItem.id)
               .where(OutboxItem.status == PENDING, OutboxItem.next_attempt_at <= moment,
                      OutboxItem.channel.in_(names), ~waiting)
               .order_by(OutboxItem.id).limit(self.batch))
        claimed: list[tuple[Delivery, Channel]] = []
        with session_scope(self.factory) as session:
            if session.get_bind().dialect.name != "postgresql":
                ids = list(session.scalars(due))
            else:
                ids = list(session.scalars(due.with_for_update(skip_locked=True, of=OutboxItem)))
                return [taken for item_id in ids if (taken := self._take(session, item_id, moment))]
        for item_id in ids:
            with session_scope(self.factory) as session:
                taken = self._take(session, item_id, moment)
            if taken:
                claimed.append(taken)
        return claimed

    def _take(self, session: Session, item_id: int, moment: datetime) -> tuple[Delivery, Channel] | None:
        """A conditional update: whoever moves ``next_attempt_at`` first owns the row until the claim ends."""
        result = session.execute(
            update(OutboxItem)
            .where(OutboxItem.id == item_id, OutboxItem.status == PENDING, OutboxItem.next_attempt_at <= moment)
            .values(next_attempt_at=moment + self.claim_for, attempts=OutboxItem.attempts + 1)
        )
        if getattr(result, "rowcount", 0) != 1:
            return None
        item = session.get(OutboxItem, item_id, populate_existing=True)
        assert item is not None
        conversation = session.get(Conversation, item.conversation_id)
        payload = item.payload or {}
        delivery = Delivery(item_id=item.id, conversation_id=item.conversation_id,
                            recipient=conversation.external_ref if conversation else None,
                            handle=conversation.citizen_handle if conversation else None,
                            text=str(payload.get("text", "")), reply_to=payload.get("reply_to"),
                            options={k: v for k, v in payload.items() if k not in RESERVED},
                            progress=list(payload.get("parts") or []), attempt=item.attempts,
                            queued_at=item.created_at)
        return delivery, self.channels[item.channel]

    def _sent(self, delivery: Delivery, external_id: str | None, moment: datetime) -> None:
        with session_scope(self.factory) as session:
            item = session.get(OutboxItem, delivery.item_id)
            if item is None:  # erased (right to erasure) while it was being sent
                return
            item.status = OutboxStatus.SENT.value
            item.external_id = external_id
            item.sent_at = moment
            item.last_error = None if external_id else "already on the platform (duplicate content): counted as sent"
            if len(delivery.progress) > 1:
                item.payload = {**item.payload, "parts": delivery.progress}

    def _retry(self, delivery: Delivery, error: RetryLater | Undeliverable, moment: datetime) -> None:
        with session_scope(self.factory) as session:
            item = session.get(OutboxItem, delivery.item_id)
            if item is None:
                return
            item.last_error = error.reason
            if delivery.progress:
                item.payload = {**item.payload, "parts": delivery.progress}
            if isinstance(error, RetryLater) and not error.counts:
                item.attempts -= 1
                if error.not_before is not None:
                    self.paused[item.channel] = error.not_before
            if isinstance(error, Undeliverable) or item.attempts >= self.max_attempts:
                self._fail(session, item, error.reason)
                return
            assert isinstance(error, RetryLater)
            wait = self.backoff.delay(attempts=item.attempts, draw=self.draw())
            if error.not_before is not None:
                wait = error.not_before - moment + timedelta(seconds=self.draw())
            item.next_attempt_at = moment + max(wait, timedelta(0))
            log.info("outbox: item %s on %s retries at %s: %s", item.id, item.channel, item.next_attempt_at,
                     error.reason)

    def _fail(self, session: Session, item: OutboxItem, reason: str) -> None:
        """Never dropped silently: the row says ``failed`` and agents see the reason on the message."""
        item.status = OutboxStatus.FAILED.value
        log.warning("outbox: item %s on %s failed after %d attempts: %s", item.id, item.channel, item.attempts,
                    reason)
        message = session.get(Message, item.message_id) if item.message_id else None
        if message is not None:
            message.payload = {**(message.payload or {}), "delivery": f"failed: {reason}"}
        if self.events is not None:
            self.events.publish(f"conversation:{item.conversation_id}", {"type": "message", "id": item.message_id})
