"""Wiring the channels into the application: the outbox worker always, each platform's poller when configured."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI

from gateway.channels.registry import build_channels
from gateway.outbox import OutboxWorker
from gateway.x_poller import Poller

log = logging.getLogger("guichet.channels")


def install_channels(app: FastAPI) -> None:
    """Sets ``app.state.channels``, ``outbox`` and ``poller`` (None when X is off) and their background tasks."""
    settings = app.state.settings
    gateway = app.state.gateway
    channels = build_channels(settings=settings, gateway=gateway)
    app.state.channels = channels
    app.state.outbox = OutboxWorker(session_factory=app.state.session_factory, channels=channels,
                                    max_attempts=settings.outbox_max_attempts, events=app.state.events)
    app.state.poller = None

    async def deliver(app: FastAPI) -> None:
        await app.state.outbox.run(interval=1.0)

    async def recover(app: FastAPI) -> None:
        """Inbound messages a crash left unprocessed are picked up again (a lease stops double handling)."""
        while True:
            try:
                recovery = await gateway.recover()
                if recovery.found or recovery.given_up:
                    log.info("recovery: %d unprocessed inbound message(s) found, %d handled, %d still pending, "
                             "%d given up", recovery.found, recovery.handled, recovery.found - recovery.handled,
                             recovery.given_up)
            except Exception:
                log.exception("recovery round failed")
            await asyncio.sleep(15)

    app.state.background_tasks.extend([deliver, recover])
    install_other_pollers(app)
    if not settings.x_enabled:
        log.info("X/Twitter channel off: missing %s", ", ".join(settings.x_missing_credentials()))
        return
    app.state.poller = Poller(channels=[c for name, c in channels.items() if name != "webchat"],
                              session_factory=app.state.session_factory, interval=settings.x_poll_seconds)

    async def poll(app: FastAPI) -> None:
        await app.state.poller.run()

    app.state.background_tasks.append(poll)


def install_other_pollers(app: FastAPI) -> None:
    """Mastodon and e-mail: each its own poller and lease (``mastodon:poller``, ``email:poller``), off without
    its settings, saying so once. ``app.state.pollers`` holds them by channel name."""
    settings = app.state.settings
    app.state.pollers = {}
    for name, enabled, missing, interval in (
        ("mastodon", settings.mastodon_enabled, settings.mastodon_missing_credentials, settings.mastodon_poll_seconds),
        ("email", settings.email_enabled, settings.email_missing_settings, settings.email_poll_seconds),
    ):
        if not enabled:
            log.info("%s channel off: missing %s", "Mastodon" if name == "mastodon" else "E-mail",
                     ", ".join(missing()))
            continue
        poller = Poller(channels=[app.state.channels[name]], session_factory=app.state.session_factory,
                        interval=interval, lease_name=f"{name}:poller")
        app.state.pollers[name] = poller

        async def poll(app: FastAPI, poller: Poller = poller) -> None:
            await poller.run()

        app.state.background_tasks.append(poll)
