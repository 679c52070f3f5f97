"""Rasa's copy of the conversations: the rows of its SQL tracker store's ``events`` table.

Rasa keeps every event of a conversation (each citizen message in clear, slots of a report form)
under the conversation's id as ``sender_id``. Retention and erasure remove them with the
conversation. When the tracker store is the application's own database (PostgreSQL in production)
the rows go in the caller's transaction; otherwise (``make run``: var/rasa-trackers.db) they are
deleted first, in their own transaction, so that a failure leaves the conversation to erase again
rather than Rasa's copy without its conversation. The table is Rasa's: it is not in the
application's models or migrations, and is absent until Rasa has started once.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    func,
    inspect,
    select,
)
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from guichet.settings import Settings

EVENTS = Table("events", MetaData(), Column("id", Integer, primary_key=True), Column("sender_id", String(255)))


class RasaTrackers:
    """Counts and deletes the tracker events of conversations, by conversation id."""

    def __init__(self, *, url: str, same_database: bool, chunk_size: int = 500) -> None:
        self.url = url
        self.same_database = same_database
        self.chunk_size = chunk_size

    @classmethod
    def from_settings(cls, settings: Settings) -> RasaTrackers:
        url = settings.resolved_tracker_store_url
        same = make_url(url).set(drivername="x") == make_url(settings.resolved_database_url).set(drivername="x")
        return cls(url=url, same_database=same, chunk_size=settings.purge_chunk_size)

    def _run(self, session: Session, sender_ids: list[str], *, remove: bool) -> int:
        if not sender_ids:
            return 0
        if self.same_database:
            return self._apply(session.connection(), sender_ids, remove=remove)
        url = make_url(self.url)
        if url.get_backend_name() == "sqlite" and not Path(url.database or "").exists():
            return 0  # Rasa never started here: nothing of it to delete (and no empty file to create)
        if url.get_backend_name() == "postgresql":
            url = url.set(drivername="postgresql+psycopg")  # the application's driver, whatever Rasa's
        engine: Engine = create_engine(url)
        try:
            with engine.begin() as connection:
                return self._apply(connection, sender_ids, remove=remove)
        finally:
            engine.dispose()

    def _apply(self, connection: Connection, sender_ids: list[str], *, remove: bool) -> int:
        if not inspect(connection).has_table("events"):
            return 0
        total = 0
        for start in range(0, len(sender_ids), self.chunk_size):
            chunk = sender_ids[start:start + self.chunk_size]
            count = connection.scalar(select(func.count()).select_from(EVENTS).where(EVENTS.c.sender_id.in_(chunk)))
            total += int(count or 0)
            if remove:
                connection.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(chunk)))
        return total

    def count(self, session: Session, *, conversation_ids: list[str]) -> int:
        """How many of Rasa's event rows these conversations have."""
        return self._run(session, conversation_ids, remove=False)

    def forget(self, session: Session, *, conversation_ids: list[str]) -> int:
        """Deletes Rasa's event rows of these conversations; returns how many there were."""
        return self._run(session, conversation_ids, remove=True)
