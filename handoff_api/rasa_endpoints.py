"""Rasa's endpoints file, written from the settings: action server, tracker store and lock store.

Rasa 3.6 runs in its own environment with SQLAlchemy 1.4, whose PostgreSQL driver is psycopg2
(``psycopg2-binary``, a requirement of Rasa itself); the application's URL names psycopg 3, so the
driver is swapped. The file holds the database and Redis passwords and the action server's headers,
so only its owner may read it (like ``var/service-token``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from sqlalchemy.engine import make_url

from guichet.settings import Settings


class EndpointsError(ValueError):
    pass


def rasa_tracker_url(settings: Settings) -> str:
    """The tracker store's URL as Rasa's SQLAlchemy 1.4 reads it (driver psycopg2 for PostgreSQL)."""
    url = make_url(settings.resolved_tracker_store_url)
    if url.get_backend_name() == "postgresql":
        url = url.set(drivername="postgresql+psycopg2")
    elif url.get_backend_name() != "sqlite":
        raise EndpointsError(f"GUICHET_RASA_TRACKER_STORE_URL: {settings.resolved_tracker_store_url!r} is "
                             "neither PostgreSQL nor SQLite")
    return url.render_as_string(hide_password=False)


def lock_store(settings: Settings) -> dict[str, Any]:
    """Rasa's Redis lock store when ``GUICHET_REDIS_URL`` is set, else its in-memory one."""
    if not settings.redis_url:
        return {"type": "in_memory"}
    parts = urlsplit(settings.redis_url)
    if parts.scheme != "redis" or not parts.hostname:
        raise EndpointsError(f"GUICHET_REDIS_URL: {settings.redis_url!r} is not redis://[:password@]host:port/db")
    database = parts.path.strip("/") or "0"
    if not database.isdigit():
        raise EndpointsError(f"GUICHET_REDIS_URL: {settings.redis_url!r}: database {database!r} is not a number")
    store: dict[str, Any] = {"type": "redis", "url": parts.hostname, "port": parts.port or 6379,
                             "db": int(database), "key_prefix": "guichet"}
    if parts.password:
        store["password"] = parts.password
    return store


def endpoints_config(settings: Settings, *, action_headers: dict[str, str] | None = None,
                     action_url: str | None = None) -> dict[str, Any]:
    """What Rasa reads from ``--endpoints``; ``action_headers`` are sent with every call to the actions."""
    action: dict[str, Any] = {"url": action_url or settings.resolved_actions_url}
    if action_headers:
        action["headers"] = dict(action_headers)
    return {
        "action_endpoint": action,
        "tracker_store": {"type": "SQL", "url": rasa_tracker_url(settings)},
        "lock_store": lock_store(settings),
    }


def write_endpoints(settings: Settings, *, path: Path, action_headers: dict[str, str] | None = None,
                    action_url: str | None = None) -> Path:
    """Writes the endpoints file (readable by its owner only: headers may carry a secret)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = ("# Written by Guichet at start-up from the GUICHET_* settings (handoff_api/rasa_endpoints.py);\n"
            "# edits are overwritten.\n"
            + yaml.safe_dump(endpoints_config(settings, action_headers=action_headers, action_url=action_url),
                             sort_keys=False))
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(text)
    return path
