"""One writer at a time per SQLite file in this process, the others waiting on a lock rather than polling SQLite.

SQLite admits one writer; the others wait in its busy handler, which sleeps and retries (growing sleeps, no
queue). Under a flood of short write transactions from many threads (a hundred web chat messages at once, the
channel pollers, the outbox) a writer can keep waking to find the lock taken until its 30 s run out: "database is
locked" while no transaction ever held the lock long (docs/deployment.md, "SQLite under a flood"). Here a thread's
first INSERT, UPDATE, DELETE or REPLACE of a transaction takes this process's lock for that file, and its commit or
rollback (or the connection's return to the pool) gives it back: waiting threads block on the lock and the next
one goes as soon as it is free. Writers of other processes (the command line next to the application) still meet
SQLite's own wait. A writer that waits longer than SQLite would is refused with an error naming who holds the file
(thread, since when, first write): a long write transaction shows where it was opened.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event

WAIT_SECONDS = 30.0  # as long as SQLite's own busy timeout (``guichet.db``)
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_HELD = "guichet_write_lock"
_locks: dict[str, threading.Lock] = {}
_holders: dict[str, Holder] = {}
_locks_guard = threading.Lock()


@dataclass(frozen=True)
class Holder:
    """Who holds a file's write lock: named in the error of a writer that waited too long for it."""

    thread: str  # where it began: a web request's transaction may end in another worker thread
    statement: str
    since: float  # time.monotonic()

    def describe(self, *, now: float) -> str:
        return f"thread {self.thread!r}, for {now - self.since:.1f} s, since {self.statement!r}"


def holder_of(database: str) -> Holder | None:
    """The write transaction holding ``database``'s lock in this process, if any."""
    return _holders.get(database)


def lock_for(database: str) -> threading.Lock:
    """The process-wide lock of one database file (the same for every engine on it)."""
    with _locks_guard:
        return _locks.setdefault(database, threading.Lock())


def one_writer_at_a_time(engine: Engine, *, database: str) -> None:
    """Make ``engine``'s write transactions take ``lock_for(database)`` for as long as they are open."""
    lock = lock_for(database)

    def before_execute(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if _HELD in conn.info or not statement.lstrip()[:7].upper().startswith(_WRITES):
            return
        if not lock.acquire(timeout=WAIT_SECONDS):
            holder = _holders.get(database)
            held_by = holder.describe(now=time.monotonic()) if holder is not None else "a writer now gone"
            raise sqlite3.OperationalError(
                f"database is locked: {database} had another writer in this process for {WAIT_SECONDS:.0f} s "
                f"({held_by})")
        _holders[database] = Holder(thread=threading.current_thread().name,
                                    statement=" ".join(statement.split())[:120], since=time.monotonic())
        conn.info[_HELD] = True

    def release(info: dict[str, Any]) -> None:
        if info.pop(_HELD, None):
            _holders.pop(database, None)
            lock.release()

    event.listen(engine, "before_cursor_execute", before_execute)
    # SQLAlchemy dispatches "commit" just before the driver commits: the next writer may meet SQLite's own wait
    # for that instant (its first sleep is a millisecond), never for a whole transaction
    event.listen(engine, "commit", lambda conn: release(conn.info))
    event.listen(engine, "rollback", lambda conn: release(conn.info))
    for name in ("reset", "checkin", "invalidate", "close"):  # a transaction left open, then ended by the pool
        event.listen(engine.pool, name, lambda _dbapi, record, *_: release(record.info) if record else None)
