"""In-process publish/subscribe feeding server-sent events to open consoles and web chats."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import Session, sessionmaker

PENDING = "guichet_pending_events"


class EventBus:
    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[dict[str, Any]]]] = defaultdict(set)
        self._loop: asyncio.AbstractEventLoop | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    @property
    def topic_count(self) -> int:
        """Topics with at least one listener: a topic goes when its last listener leaves."""
        return len(self._subscribers)

    def publish(self, topic: str, event: dict[str, Any]) -> None:
        """Safe from any thread: delivery happens on the event loop."""
        if self._loop is None or not self._subscribers.get(topic):
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            self._deliver(topic, event)
        else:
            self._loop.call_soon_threadsafe(self._deliver, topic, event)

    def _deliver(self, topic: str, event: dict[str, Any]) -> None:
        for queue in list(self._subscribers.get(topic, ())):
            if queue.qsize() < 1000:
                queue.put_nowait(event)

    async def subscribe(self, topic: str) -> AsyncIterator[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._subscribers[topic].add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            listeners = self._subscribers.get(topic)
            if listeners is not None:
                listeners.discard(queue)
                if not listeners:
                    del self._subscribers[topic]


def publish_on_commit(session: Session, topic: str, event: dict[str, Any]) -> None:
    """Announce a change only once it is visible: listeners re-read the database when told."""
    session.info.setdefault(PENDING, []).append((topic, event))


def bind_to_sessions(bus: EventBus, factory: sessionmaker[Session]) -> None:
    def flush(session: Session) -> None:
        for topic, event in session.info.pop(PENDING, []):
            bus.publish(topic, event)

    def drop(session: Session) -> None:
        session.info.pop(PENDING, None)

    sqlalchemy_event.listen(factory, "after_commit", flush)
    sqlalchemy_event.listen(factory, "after_rollback", drop)
