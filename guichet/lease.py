"""A named lease in the database so that one instance at a time runs a job (the X pollers)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from guichet.models import Lease, utcnow


def acquire(factory: sessionmaker[Session], *, name: str, holder: str, ttl: timedelta,
            now: datetime | None = None) -> bool:
    """Take or renew lease ``name`` for ``ttl``; True when ``holder`` has it afterwards.

    A conditional update renews our own lease or takes an expired one; an insert takes a lease nobody
    ever held, and the primary key makes a concurrent insert fail.
    """
    moment = now or utcnow()
    with session_scope(factory) as session:
        result = session.execute(
            update(Lease)
            .where(Lease.name == name, (Lease.holder == holder) | (Lease.expires_at < moment))
            .values(holder=holder, expires_at=moment + ttl)
        )
        if getattr(result, "rowcount", 0) == 1:
            return True
    try:
        with session_scope(factory) as session:
            if session.get(Lease, name) is not None:
                return False
            session.add(Lease(name=name, holder=holder, expires_at=moment + ttl))
    except IntegrityError:
        return False
    return True


def release(factory: sessionmaker[Session], *, name: str, holder: str) -> None:
    """Give the lease up (on shutdown) so another instance need not wait for it to expire."""
    with session_scope(factory) as session:
        session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))
