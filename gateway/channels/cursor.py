"""Where a channel's polling stopped (e.g. X's ``since_id``), kept in the ``key_values`` table."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from guichet.models import KeyValue, utcnow


def read_cursor(factory: sessionmaker[Session], *, key: str) -> Any:
    with session_scope(factory) as session:
        row = session.get(KeyValue, key)
        return None if row is None else row.value


def write_cursor(factory: sessionmaker[Session], *, key: str, value: Any) -> None:
    with session_scope(factory) as session:
        row = session.get(KeyValue, key)
        if row is None:
            session.add(KeyValue(key=key, value=value, updated_at=utcnow()))
        else:
            row.value = value
            row.updated_at = utcnow()
