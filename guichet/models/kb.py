"""Knowledge-base entries, their revisions, cached embeddings and calibrated thresholds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from guichet.models.base import Base, StrEnum, utcnow


class EntryStatus(StrEnum):
    PUBLISHED = "published"
    DRAFT = "draft"
    DELETED = "deleted"


class KBEntry(Base):
    __tablename__ = "kb_entries"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    department: Mapped[str] = mapped_column(String(40))
    url: Mapped[str | None] = mapped_column(String(500))
    tags: Mapped[list[Any]] = mapped_column(default=list)
    variants: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(10), default=EntryStatus.PUBLISHED.value)
    source: Mapped[str | None] = mapped_column(String(200))
    attribution: Mapped[str | None] = mapped_column(String(300))
    details: Mapped[str] = mapped_column(Text, default="", server_default="")  # searched, never sent
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)


class KBRevision(Base):
    __tablename__ = "kb_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("kb_entries.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(20))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_kb_revisions_entry", "entry_id", "id"),)


class EmbeddingCache(Base):
    __tablename__ = "embedding_cache"

    model: Mapped[str] = mapped_column(String(200), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    dim: Mapped[int]
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class Calibration(Base):
    __tablename__ = "kb_calibrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(String(200))
    thresholds: Mapped[dict[str, Any]]
    metrics: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SearchLog(Base):
    """What citizens asked and what the bot decided (text already masked of personal data)."""

    __tablename__ = "kb_search_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(10))
    top_id: Mapped[str | None] = mapped_column(String(120))
    top_score: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OffTopicSource(StrEnum):
    """Where an off-topic example comes from. The written list (the shipped seed, the console) describes what the
    FAQ must not answer; a citizen's question an editor marked out of scope in the training inbox is one message
    that came close, and holds back its neighbours without setting the level for every other question."""

    LIST = "list"
    INBOX = "inbox"


class OffTopicExample(Base):
    """A message the FAQ must not answer ("questions we do not handle here"), edited in the console."""

    __tablename__ = "kb_off_topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(10), default=OffTopicSource.LIST.value,
                                        server_default=OffTopicSource.LIST.value)
    status: Mapped[str] = mapped_column(String(10), default=EntryStatus.PUBLISHED.value)  # published or deleted
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class OffTopicRevision(Base):
    __tablename__ = "kb_off_topic_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int] = mapped_column(ForeignKey("kb_off_topic.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(20))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_kb_off_topic_revisions_example", "example_id", "id"),)
