"""The agents', editors' and admins' console: server-rendered pages (Jinja2 + htmx) on a cookie session."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from handoff_api.console import (
    admin_pages,
    handoff_actions,
    handoff_page,
    kb_entry,
    kb_off_topic,
    kb_pages,
    login,
    queue,
)
from handoff_api.console.access import install_access_handlers
from handoff_api.console.middleware import ConsoleSessionMiddleware
from handoff_api.console.session import SessionCodec, session_secret
from handoff_api.crud.opening_hours_store import load_stored
from handoff_api.rate_limit import RateLimiter

STATIC = Path(__file__).resolve().parent.parent / "static"
LOGIN_ATTEMPTS_PER_MINUTE = 10


def install(app: FastAPI) -> None:
    """Routes, the session middleware, error pages; and the opening hours an admin saved, if any."""
    codec = SessionCodec(session_secret(app.state.settings))
    app.state.console_codec = codec
    app.state.login_limiter = RateLimiter(limit=LOGIN_ATTEMPTS_PER_MINUTE, window_seconds=60)
    app.add_middleware(ConsoleSessionMiddleware, codec=codec, session_factory=app.state.session_factory)
    install_access_handlers(app)
    for module in (login, queue, handoff_page, handoff_actions, kb_pages, kb_off_topic, kb_entry, admin_pages):
        app.include_router(module.router)
    load_stored(app.state.session_factory, app.state.hours)
    if not any(getattr(route, "path", None) == "/static" for route in app.routes):
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
