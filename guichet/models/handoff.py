"""The human queue: departments, handoffs and the history of each handoff."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guichet.models.base import Base, StrEnum, utcnow


class HandoffStatus(StrEnum):
    WAITING = "waiting"
    ASSIGNED = "assigned"
    RESOLVED = "resolved"


OPEN_STATUSES = (HandoffStatus.WAITING.value, HandoffStatus.ASSIGNED.value)
OPEN_CONDITION = text("status IN ({})".format(", ".join(f"'{status}'" for status in OPEN_STATUSES)))
"""A conversation has at most one open handoff: a unique index on this condition enforces it."""


class Department(Base):
    __tablename__ = "departments"

    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))


class Handoff(Base):
    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(10), default=HandoffStatus.WAITING.value)
    department: Mapped[str] = mapped_column(ForeignKey("departments.slug"))
    reason: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any] | None]
    channel: Mapped[str] = mapped_column(String(20))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    first_response_due: Mapped[datetime]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    assigned_at: Mapped[datetime | None]
    flag: Mapped[str | None] = mapped_column(String(20))
    """Why the queue should notice this handoff, e.g. ``silent``: its agent did not reply in time."""

    events: Mapped[list[HandoffEvent]] = relationship(
        back_populates="handoff", order_by="HandoffEvent.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_handoffs_status_due", "status", "first_response_due"),
        Index("ix_handoffs_conversation", "conversation_id"),
        Index("uq_handoffs_one_open", "conversation_id", unique=True,
              sqlite_where=OPEN_CONDITION, postgresql_where=OPEN_CONDITION),
    )


class HandoffEvent(Base):
    __tablename__ = "handoff_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(10))
    to_status: Mapped[str | None] = mapped_column(String(10))
    detail: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    handoff: Mapped[Handoff] = relationship(back_populates="events")
