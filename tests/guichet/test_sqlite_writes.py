"""One writer at a time per SQLite file in the process: a real database file per test, real threads."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from guichet import sqlite_writes
from guichet.db import make_engine
from guichet.settings import Settings
from guichet.sqlite_writes import lock_for
from tests.conftest import database_file


def engine_on(settings: Settings) -> Engine:
    engine = make_engine(settings)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, who TEXT)"))
    return engine


def test_a_second_writer_waits_for_the_first_to_commit_then_goes(settings: Settings) -> None:
    engine = engine_on(settings)
    order: list[str] = []
    with engine.connect() as first:
        first.execute(text("INSERT INTO notes (who) VALUES ('first')"))  # the write lock, held until commit

        def second() -> None:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO notes (who) VALUES ('second')"))
            order.append("second committed")

        waiting = threading.Thread(target=second)
        waiting.start()
        time.sleep(0.3)
        assert order == [] and waiting.is_alive()  # blocked on the lock, not failed
        first.commit()  # the second may get in before this thread runs its next line: the rows tell the order
        waiting.join(timeout=10)
    assert order == ["second committed"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT who FROM notes ORDER BY id")).scalars().all() == ["first", "second"]
    assert not lock_for(database_file(settings)).locked()


def test_a_rollback_or_a_connection_given_back_open_releases_the_lock(settings: Settings) -> None:
    engine = engine_on(settings)
    lock = lock_for(database_file(settings))
    with engine.connect() as conn:
        conn.execute(text("INSERT INTO notes (who) VALUES ('undone')"))
        assert lock.locked()
        conn.rollback()
        assert not lock.locked()
    with engine.connect() as conn:  # closed with the transaction still open: the pool's reset ends it
        conn.execute(text("INSERT INTO notes (who) VALUES ('left open')"))
        assert lock.locked()
    assert not lock.locked()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM notes")).scalar() == 0
        conn.execute(text("SELECT * FROM notes"))  # reads never take it
        assert not lock.locked()


def test_engines_on_one_file_share_the_lock_and_other_files_do_not(settings: Settings, tmp_path: Path) -> None:
    one, two = engine_on(settings), engine_on(settings)
    other = engine_on(Settings(var_dir=tmp_path / "other", _env_file=None))
    with one.connect() as conn:
        conn.execute(text("INSERT INTO notes (who) VALUES ('one')"))
        assert lock_for(database_file(settings)).locked()
        with other.begin() as elsewhere:  # another file: no waiting on this one's writer
            elsewhere.execute(text("INSERT INTO notes (who) VALUES ('elsewhere')"))
        conn.commit()
    with two.connect() as conn:
        assert conn.execute(text("SELECT who FROM notes")).scalars().all() == ["one"]


def test_many_threads_writing_at_once_all_get_in(settings: Settings) -> None:
    engine = engine_on(settings)

    def write(worker: int) -> int:
        for n in range(20):
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO notes (who) VALUES (:who)"), {"who": f"{worker}-{n}"})
        return worker

    with ThreadPoolExecutor(max_workers=40) as pool:
        assert sorted(pool.map(write, range(40))) == list(range(40))  # an error in any thread re-raises here
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(DISTINCT who) FROM notes")).scalar() == 800
    assert not lock_for(database_file(settings)).locked()


def test_a_writer_that_waits_too_long_is_told_who_holds_the_file(settings: Settings,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_writes, "WAIT_SECONDS", 0.3)
    engine = engine_on(settings)
    errors: list[str] = []

    def second() -> None:
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO notes (who) VALUES ('second')"))
        except OperationalError as error:
            errors.append(str(error))

    with engine.connect() as first:
        first.execute(text("INSERT INTO notes (who) VALUES ('first')"))
        holder = sqlite_writes.holder_of(database_file(settings))
        assert holder is not None and holder.thread == threading.current_thread().name
        waiting = threading.Thread(target=second, name="late-writer")
        waiting.start()
        waiting.join(timeout=10)
        first.commit()
    assert len(errors) == 1
    assert "had another writer in this process for 0 s" in errors[0]
    assert f"thread {threading.current_thread().name!r}" in errors[0]
    assert "since \"INSERT INTO notes (who) VALUES ('first')\"" in errors[0]
    assert sqlite_writes.holder_of(database_file(settings)) is None
    with engine.connect() as conn:  # the first write kept, the refused one lost nothing else
        assert conn.execute(text("SELECT who FROM notes")).scalars().all() == ["first"]

