"""The daily retention job, run by the application as a background task at 03:30 local time."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from anyio import to_thread
from fastapi import FastAPI

from guichet.db import session_scope
from guichet.models import utcnow
from handoff_api.privacy.retention import PurgeReport, purge

log = logging.getLogger("guichet.privacy.retention")
RUN_AT = time(3, 30)


def next_run(moment: datetime, zone: ZoneInfo, at: time = RUN_AT) -> datetime:
    """The next ``at`` o'clock in ``zone`` strictly after ``moment``."""
    local = moment.astimezone(zone)
    candidate = datetime.combine(local.date(), at, zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), at, zone)
    return candidate


def run_purge(app: FastAPI) -> PurgeReport:
    with session_scope(app.state.session_factory) as session:
        report = purge(session, settings=app.state.settings)
    log.info("retention: %s", report.summary())
    return report


async def retention_task(app: FastAPI) -> None:
    """Sleeps until 03:30 (never at start-up, so a restart does not purge), purges, and again each day."""
    zone = ZoneInfo(app.state.settings.timezone)
    while True:
        delay = (next_run(utcnow(), zone) - utcnow()).total_seconds()
        await asyncio.sleep(max(delay, 1.0))
        try:
            await to_thread.run_sync(run_purge, app)
        except Exception:  # logged; the job must survive to run again tomorrow
            log.exception("retention job failed; it will run again tomorrow")
