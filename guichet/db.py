"""Engine and session factory built from the settings; no session lives at module level."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from guichet.settings import Settings
from guichet.sqlite_writes import one_writer_at_a_time


def sqlite_file(settings: Settings) -> str:
    """The SQLite file of ``settings``' database URL, as given (the key of its write lock once resolved)."""
    return settings.resolved_database_url.split("///", 1)[-1]


def make_engine(settings: Settings) -> Engine:
    url = settings.resolved_database_url
    if url.startswith("sqlite"):
        database = sqlite_file(settings)
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, pool_size=20,
                               max_overflow=60, pool_timeout=60)
        event.listen(engine, "connect", _sqlite_pragmas)
        one_writer_at_a_time(engine, database=str(Path(database).resolve()))
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back on error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def one_instance_at_a_time(factory: sessionmaker[Session], name: str) -> Iterator[None]:
    """Instances sharing a PostgreSQL database run the block one after another (an advisory lock held by a
    transaction of its own until the block ends); SQLite serves a single instance, so the block just runs."""
    with factory() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": name})
        yield
