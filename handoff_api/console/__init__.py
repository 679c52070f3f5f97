"""The agents', editors' and admins' console: server-rendered pages (Jinja2 + htmx) on a cookie session."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from guichet.crud.opening_hours_store import load_stored
from handoff_api.console import admin_accounts as admin_accounts_pages
from handoff_api.console import (
    admin_pages,
    attachments,
    handoff_actions,
    handoff_page,
    kb_entry,
    kb_inbox,
    kb_off_topic,
    kb_pages,
    login,
    queue,
)
from handoff_api.console import canned_pages as canned_reply_pages
from handoff_api.console import self_service as self_service_pages
from handoff_api.console.access import install_access_handlers
from handoff_api.console.middleware import ConsoleSessionMiddleware
from handoff_api.console.session import SessionCodec, session_secret
from handoff_api.rate_limit import RateLimiter

STATIC = Path(__file__).resolve().parent.parent / "static"


def install(app: FastAPI) -> None:
    """Routes, the session middleware, error pages; and the opening hours an admin saved, if any."""
    secret = session_secret(app.state.settings)
    codec = SessionCodec(secret)
    app.state.console_codec = codec
    settings = app.state.settings
    app.state.login_address_limiter = RateLimiter(limit=settings.login_attempts_per_address, window_seconds=60,
                                                  max_keys=settings.rate_limit_max_keys)
    app.state.login_account_limiter = RateLimiter(limit=settings.login_attempts_per_account, window_seconds=60,
                                                  max_keys=settings.rate_limit_max_keys)
    app.state.audit_name_key = hashlib.sha256(b"guichet-audit-name:" + secret.encode()).digest()
    app.add_middleware(ConsoleSessionMiddleware, codec=codec, session_factory=app.state.session_factory)
    install_access_handlers(app)
    for module in (login, queue, handoff_page, handoff_actions, kb_pages, kb_off_topic, kb_inbox, kb_entry,
                   admin_pages, attachments):
        app.include_router(module.router)
    for module in (canned_reply_pages, self_service_pages, admin_accounts_pages):
        app.include_router(module.router)
    load_stored(app.state.session_factory, app.state.hours)
    if not any(getattr(route, "path", None) == "/static" for route in app.routes):
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
