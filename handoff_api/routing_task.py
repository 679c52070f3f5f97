"""The background task that sends silent assignments back to the queue, once a minute."""

from __future__ import annotations

import asyncio
import logging

from anyio import to_thread
from fastapi import FastAPI

from guichet.crud.routing import return_silent
from guichet.db import session_scope

log = logging.getLogger("guichet.routing")
EVERY_SECONDS = 60.0


def run_once(app: FastAPI) -> list[int]:
    """Return silent assignments to the queue now; the ids returned, announced to the consoles."""
    with session_scope(app.state.session_factory) as session:
        returned = [h.id for h in return_silent(session, hours=app.state.hours,
                                                minutes=app.state.settings.silent_assignment_minutes)]
    for handoff_id in returned:
        log.info("handoff %s: no agent reply in time, back to the queue", handoff_id)
        app.state.events.publish("handoffs", {"type": "handoff", "handoff_id": handoff_id, "action": "returned"})
    return returned


async def routing_task(app: FastAPI) -> None:
    while True:
        await asyncio.sleep(EVERY_SECONDS)
        try:
            await to_thread.run_sync(run_once, app)
        except Exception:  # logged; the next minute tries again
            log.exception("routing: returning silent assignments failed")
