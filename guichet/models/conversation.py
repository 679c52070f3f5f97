"""A citizen's conversation on one channel, and every message in it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from guichet.models.base import Base, StrEnum, utcnow


class Owner(StrEnum):
    BOT = "bot"
    QUEUE = "queue"
    AGENT = "agent"


class Author(StrEnum):
    CITIZEN = "citizen"
    BOT = "bot"
    AGENT = "agent"
    NOTE = "note"


class InboundState(StrEnum):
    PENDING = "pending"
    HANDLED = "handled"
    FAILED = "failed"  # given up after ``inbound_max_attempts`` (shown to agents in the console)


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_ref: Mapped[str | None] = mapped_column(String(120))
    citizen_handle: Mapped[str | None] = mapped_column(String(120))
    token_hash: Mapped[str | None] = mapped_column(String(64))
    owner: Mapped[str] = mapped_column(String(10), default=Owner.BOT.value)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_notice_on: Mapped[str | None] = mapped_column(String(10))
    anonymised_at: Mapped[datetime | None]

    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation", order_by="Message.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("channel", "external_ref", name="uq_conversations_channel_ref"),
    )


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str | None] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str | None] = mapped_column(String(12))
    faq_id: Mapped[str | None] = mapped_column(String(120))
    payload: Mapped[dict[str, Any] | None]
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id", ondelete="SET NULL"))
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    inbound_state: Mapped[str | None] = mapped_column(String(10))
    processing_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")  # times an inbound one was taken up
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")

    __table_args__ = (
        UniqueConstraint("channel", "external_id", name="uq_messages_channel_external_id"),
        Index("ix_messages_conversation_created", "conversation_id", "id"),
        Index("ix_messages_inbound_state", "inbound_state"),
    )
