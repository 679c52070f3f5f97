"""Finding handoffs: the queue's filters, full-text search over handoffs and their conversations, pages.

Full-text search uses the database's own engine: FTS5 on SQLite (``handoffs_fts`` kept current by triggers,
``messages_fts`` brought up to date by each search, see ``catch_up``; prefix matching, accents ignored) and
PostgreSQL's text search with the French configuration (stemming: "passeports" finds "passeport"), through
GIN indexes on the very expressions below. Both are created by migration 0003. Every word of the query must
match, in the handoff's reference and summary or in one message of its conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, case, func, literal_column, select, text
from sqlalchemy.orm import Session

from guichet.models import Handoff, Message, utcnow
from guichet.models.handoff import OPEN_STATUSES, HandoffStatus

SEARCH_TABLES = ("messages_fts", "handoffs_fts")
"""SQLite's FTS5 tables (their shadow tables share the prefix): the schema check leaves them out."""
SEARCH_INDEXES = ("ix_messages_text_fts", "ix_handoffs_text_fts")
"""PostgreSQL's expression indexes, which the models do not describe."""
ALL = "all"
STATUSES = (*(status.value for status in HandoffStatus), ALL)
MAX_WORDS = 12
MAX_PER_PAGE = 500
WORD = re.compile(r"\w+")
FRENCH: ColumnElement[str] = literal_column("'french'")


@dataclass(frozen=True)
class HandoffQuery:
    """What the queue asks for. ``status`` None means open ones, ``all`` every status."""

    q: str = ""
    status: str | None = None
    department: str | None = None
    channel: str | None = None
    breached: bool | None = None
    date_from: date | None = None
    date_to: date | None = None

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in STATUSES:
            raise ValueError(f"status: {self.status!r} is not one of {', '.join(STATUSES)}")
        if self.q.strip() and not words(self.q):
            raise ValueError(f"q: {self.q!r} has no word to search for")


@dataclass(frozen=True)
class Page:
    handoffs: list[Handoff]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def words(query: str) -> list[str]:
    return WORD.findall(query.lower())[:MAX_WORDS]


def singular(token: str) -> str:
    """FTS5 has no French stemmer: a plural's last ``s``/``x`` is dropped, and the prefix match does the rest
    ("passeports" finds "passeport"); PostgreSQL stems with its French dictionary."""
    return token[:-1] if len(token) > 3 and token[-1] in "sx" else token


def matches(session: Session, query: str) -> ColumnElement[bool]:
    """A condition on ``Handoff``: every word is in its reference and summary, or in one message of its
    conversation. One ``IN`` over a ``UNION``, so each side can use its full-text index."""
    tokens = words(query)
    in_conversation = select(Handoff.id).join(Message, Message.conversation_id == Handoff.conversation_id)
    if session.get_bind().dialect.name == "postgresql":
        wanted = func.to_tsquery(FRENCH, " & ".join(f"{token}:*" for token in tokens))
        handoff_text = Handoff.reference.op("||")(literal_column("' '")).op("||")(Handoff.summary)
        found = select(Handoff.id).where(func.to_tsvector(FRENCH, handoff_text).op("@@")(wanted)).union(
            in_conversation.where(func.to_tsvector(FRENCH, Message.text).op("@@")(wanted)))
        return Handoff.id.in_(found)
    fts = " ".join(f'"{singular(token)}"*' for token in tokens)
    in_summary: Select[Any] = select(literal_column("rowid")).select_from(text("handoffs_fts")).where(
        text("handoffs_fts MATCH :fts_handoff").bindparams(fts_handoff=fts))
    in_messages: Select[Any] = select(literal_column("rowid")).select_from(text("messages_fts")).where(
        text("messages_fts MATCH :fts_message").bindparams(fts_message=fts))
    return Handoff.id.in_(in_summary.union(in_conversation.where(Message.id.in_(in_messages))))


def catch_up(session: Session) -> int:
    """SQLite: index the messages written since the last search, in a short transaction of its own that
    takes the write lock first (so it waits its turn, never fails on a stale read); returns how many.

    Messages are not indexed by a trigger: that lengthened every web chat insert's transaction enough to
    make concurrent inserts fail ("database is locked"). PostgreSQL's GIN indexes need nothing."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return 0
    with Session(bind) as own, own.begin():
        own.execute(text("UPDATE messages_fts_cursor SET indexed = indexed WHERE id = 1"))
        indexed = own.scalar(text("SELECT indexed FROM messages_fts_cursor WHERE id = 1")) or 0
        newest = own.scalar(select(func.max(Message.id))) or 0
        if newest <= indexed:
            return 0
        own.execute(text("INSERT INTO messages_fts(rowid, text) SELECT id, text FROM messages "
                         "WHERE id > :indexed AND id <= :newest"), {"indexed": indexed, "newest": newest})
        own.execute(text("UPDATE messages_fts_cursor SET indexed = :newest WHERE id = 1"), {"newest": newest})
        return int(newest - indexed)


def late(now: datetime) -> ColumnElement[bool]:
    """Past its first-response deadline: answered late, or not answered and the deadline has passed."""
    return case((Handoff.first_response_at.is_(None), Handoff.first_response_due < now),
                else_=Handoff.first_response_at > Handoff.first_response_due)


def find(session: Session, query: HandoffQuery, *, zone: ZoneInfo, page: int = 1, per_page: int = 50) -> Page:
    """One page of the handoffs ``query`` asks for: open ones by deadline, others newest first."""
    if page < 1:
        raise ValueError(f"page: {page} must be 1 or more")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page: {per_page} must be between 1 and {MAX_PER_PAGE}")
    conditions: list[ColumnElement[bool]] = []
    if query.status is None:
        conditions.append(Handoff.status.in_(OPEN_STATUSES))
    elif query.status != ALL:
        conditions.append(Handoff.status == query.status)
    if query.department:
        conditions.append(Handoff.department == query.department)
    if query.channel:
        conditions.append(Handoff.channel == query.channel)
    if query.breached is not None:
        conditions.append(late(utcnow()) if query.breached else ~late(utcnow()))
    if query.date_from is not None:
        conditions.append(Handoff.created_at >= datetime.combine(query.date_from, time(), zone))
    if query.date_to is not None:
        conditions.append(Handoff.created_at < datetime.combine(query.date_to + timedelta(days=1), time(), zone))
    if query.q.strip():
        catch_up(session)
        conditions.append(matches(session, query.q))
    total = session.scalar(select(func.count()).select_from(Handoff).where(*conditions)) or 0
    ordered = (Handoff.first_response_due, Handoff.id) if query.status in (None, *OPEN_STATUSES) \
        else (Handoff.created_at.desc(), Handoff.id.desc())
    rows = session.scalars(select(Handoff).where(*conditions).order_by(*ordered)
                           .limit(per_page).offset((page - 1) * per_page))
    return Page(handoffs=list(rows), total=total, page=page, per_page=per_page)
