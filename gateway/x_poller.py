"""The polling loop: under a database lease, one instance at a time asks a platform (X, Mastodon, IMAP) for news."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Sequence
from datetime import timedelta

from anyio import to_thread
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from gateway.channels.base import Channel
from guichet import lease

log = logging.getLogger("guichet.x.poller")
LEASE_NAME = "x:poller"


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Poller:
    def __init__(self, *, channels: Sequence[Channel], session_factory: sessionmaker[Session], interval: float,
                 holder: str | None = None, lease_name: str = LEASE_NAME):
        self.channels = channels
        self.lease_name = lease_name
        self.factory = session_factory
        self.interval = interval
        self.holder = holder or holder_name()
        self.ttl = timedelta(seconds=max(3 * interval, 30.0))

    async def hold(self) -> bool:
        return await to_thread.run_sync(lambda: lease.acquire(self.factory, name=self.lease_name, holder=self.holder,
                                                              ttl=self.ttl))

    async def cycle(self) -> bool:
        """One round if this instance holds (or takes) the lease; False when another one does."""
        if not await self.hold():
            return False
        for channel in self.channels:
            if not await self.hold():
                return False
            try:
                new = await channel.poll()
            except Exception:
                log.exception("polling %s failed", channel.name)
                continue
            if new:
                log.info("%s: %d new message(s)", channel.name, new)
        return True

    async def run(self) -> None:
        try:
            while True:
                try:
                    await self.cycle()
                except Exception:
                    log.exception("polling round failed")
                await asyncio.sleep(self.interval)
        finally:
            try:
                lease.release(self.factory, name=self.lease_name, holder=self.holder)
            except SQLAlchemyError as error:
                log.warning("could not release lease %s: %s", self.lease_name, error)
