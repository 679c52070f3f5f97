"""The editors' training inbox: citizen questions (masked) with what the bot did, waiting for a label."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from guichet.models.base import Base, StrEnum, utcnow


class InboxStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"  # the question became a variant of ``entry_id``
    OUT_OF_SCOPE = "out_of_scope"  # it joined the off-topic examples
    NEW_ENTRY = "new_entry"  # a draft entry ``entry_id`` was made from it
    DISMISSED = "dismissed"


class InboxItem(Base):
    """One citizen question: its masked text, the bot's decision and top 3 (``hits``: id, score, question),
    the Service-public.fr page that held the answer back if one did (``page``: id, title, url, lead), an agent's
    proposal if any (``proposal``: by, entry_id or out_of_scope, handoff_id), and its label."""

    __tablename__ = "kb_inbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    search_log_id: Mapped[int | None]
    conversation_id: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(10))
    hits: Mapped[list[Any]] = mapped_column(default=list)
    page: Mapped[dict[str, Any] | None]
    source: Mapped[str] = mapped_column(String(10), default="search")  # search | agent
    proposal: Mapped[dict[str, Any] | None]
    status: Mapped[str] = mapped_column(String(16), default=InboxStatus.OPEN.value)
    entry_id: Mapped[str | None] = mapped_column(String(120))
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_kb_inbox_status_created", "status", "created_at"),
                      Index("ix_kb_inbox_conversation", "conversation_id"))
