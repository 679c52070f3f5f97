"""Operations metrics in Prometheus' format, one registry per application (tests build many apps).

Counted as they happen: messages in and out per channel, the bot's replies by kind (its decisions
answer/clarify/handoff, and smalltalk/form/info), and latency histograms per stage:

- ``rasa``: the gateway's round trip to Rasa (NLU, policies and actions together);
- ``search``: the knowledge-base search API (``/api/kb/search``) as the action server sees it;
- ``action``: the action server's calls back into the application (``/api/internal/...``);
- ``reply``: one citizen message from storage to stored replies;
- ``delivery``: sending one outbox item to its channel (observed by the channel's sender).

Computed at each scrape from the database: the queue (open handoffs by status), SLA breaches
(open handoffs past their first-response due time; handoffs answered late) and the outbox backlog.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from guichet.models import Handoff, OutboxItem, OutboxStatus, utcnow
from guichet.models.handoff import OPEN_STATUSES

log = logging.getLogger("guichet.metrics")

DECISIONS = ("answer", "clarify", "handoff")
STAGES = ("rasa", "search", "action", "reply", "delivery")
BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
ROUTE_STAGES = (("/api/kb/search", "search"), ("/api/internal/", "action"))

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class QueueCollector(Collector):
    """Gauges read from the database at scrape time."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self.session_factory = session_factory

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("guichet_database_up", "1 if the scrape could read the database")
        try:
            families = self._read()
        except SQLAlchemyError as error:
            log.warning("metrics: database unavailable: %s", error)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _read(self) -> list[Metric]:
        now = utcnow()
        queue = GaugeMetricFamily("guichet_queue_size", "Open handoffs by status", labels=["status"])
        breaches = GaugeMetricFamily("guichet_sla_breaches",
                                     "Handoffs past their first-response target: open and still unanswered "
                                     "(overdue), or answered after it (answered_late)", labels=["state"])
        backlog = GaugeMetricFamily("guichet_outbox_backlog", "Outbox items pending delivery", labels=["channel"])
        with session_scope(self.session_factory) as session:
            counts = dict(session.execute(select(Handoff.status, func.count()).where(
                Handoff.status.in_(OPEN_STATUSES)).group_by(Handoff.status)).tuples().all())
            overdue = session.scalar(select(func.count()).select_from(Handoff).where(
                Handoff.status.in_(OPEN_STATUSES), Handoff.first_response_at.is_(None),
                Handoff.first_response_due < now))
            late = session.scalar(select(func.count()).select_from(Handoff).where(
                Handoff.first_response_at > Handoff.first_response_due))
            pending = session.execute(select(OutboxItem.channel, func.count()).where(
                OutboxItem.status == OutboxStatus.PENDING.value).group_by(OutboxItem.channel)).tuples().all()
        for status in OPEN_STATUSES:
            queue.add_metric([status], counts.get(status, 0))
        breaches.add_metric(["overdue"], overdue or 0)
        breaches.add_metric(["answered_late"], late or 0)
        for channel, count in pending:
            backlog.add_metric([channel], count)
        return [queue, breaches, backlog]


class Metrics:
    """The application's instruments, held in ``app.state.metrics``."""

    def __init__(self, *, session_factory: sessionmaker[Session] | None = None) -> None:
        self.registry = CollectorRegistry()
        self.messages = Counter("guichet_messages", "Citizen messages in, replies out (bot and agents)",
                                ["direction", "channel"], registry=self.registry)
        self.replies = Counter("guichet_bot_replies", "The bot's replies by kind (decisions: answer, clarify, "
                               "handoff)", ["kind"], registry=self.registry)
        self.stage_seconds = Histogram("guichet_stage_seconds", "Latency of each stage, in seconds", ["stage"],
                                       buckets=BUCKETS, registry=self.registry)
        for kind in DECISIONS:
            self.replies.labels(kind)
        for stage in STAGES:
            self.stage_seconds.labels(stage)
        if session_factory is not None:
            self.registry.register(QueueCollector(session_factory))

    def message_in(self, channel: str) -> None:
        self.messages.labels("in", channel).inc()

    def message_out(self, channel: str, *, count: int = 1) -> None:
        self.messages.labels("out", channel).inc(count)

    def bot_reply(self, *, kind: str | None, channel: str) -> None:
        self.replies.labels(kind or "info").inc()
        self.message_out(channel)

    def observe(self, stage: str, seconds: float) -> None:
        self.stage_seconds.labels(stage).observe(seconds)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.observe(stage, time.perf_counter() - started)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class StageTimingMiddleware:
    """Times the API routes that are stages of a reply (search, action); a plain ASGI wrapper."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope.get("type") == "http" else ""
        stage = next((name for prefix, name in ROUTE_STAGES if path.startswith(prefix)), None)
        if stage is None:
            await self.app(scope, receive, send)
            return
        with self.metrics.timed(stage):
            await self.app(scope, receive, send)
