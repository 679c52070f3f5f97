"""Shared fixtures: every test gets its own settings and a real SQLite file under tmp_path."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from sqlalchemy.orm import Session, sessionmaker

from guichet.crud.agents import ensure_departments
from guichet.db import make_engine, make_session_factory, session_scope, sqlite_file
from guichet.migrate import upgrade
from guichet.settings import Settings
from guichet.sqlite_writes import lock_for
from testing.hours import ALWAYS_OPEN
from testing.needs import unavailable


def database_file(settings: Settings) -> str:
    """The SQLite file of ``settings`` as ``make_engine`` resolves it: the key of its write lock."""
    return str(Path(sqlite_file(settings)).resolve())


@pytest.fixture
def write_lock(settings: Settings) -> threading.Lock:
    """This process's write lock of the test's database file (``guichet.sqlite_writes``)."""
    return lock_for(database_file(settings))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(var_dir=tmp_path / "var", service_token="service-test-token", opening_hours=ALWAYS_OPEN,
                    _env_file=None)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test, dropped afterwards."""
    url = os.environ.get("GUICHET_TEST_POSTGRES_URL")
    if not url:
        unavailable("GUICHET_TEST_POSTGRES_URL is not set (make test sets it when PostgreSQL is installed)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"guichet_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Run the test on a real SQLite file, and on PostgreSQL when it is available."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'guichet.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def session_factory(settings: Settings) -> Iterator[sessionmaker[Session]]:
    """The one way tests get a database: the test's settings, a real SQLite file, every migration applied and
    the departments seeded, as the application has it when it starts."""
    engine = make_engine(settings)
    upgrade(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        ensure_departments(session)
    yield factory
    engine.dispose()
