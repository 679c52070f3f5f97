"""What citizens say of the help they got: an automatic answer ("Cette réponse vous aide ?") or a person's
help once their request is resolved (👍/👎).

One row per rated thing, the last word wins: a citizen who changes their mind updates the row. Each row
keeps, besides its links, the anonymous facts the statistics need (``faq_id``, ``department``), so that
when a bot-only conversation is deleted by the retention job the row is only detached (links set to
NULL, like its search-log row); an erasure deletes it (``handoff_api.privacy.erasure``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from guichet.models.base import Base, StrEnum, utcnow


class FeedbackKind(StrEnum):
    ANSWER = "answer"  # an automatic FAQ answer (a bot message of kind "answer")
    HELP = "help"  # a person's help, rated after the agent resolved the handoff


class FeedbackSource(StrEnum):
    BUTTON = "button"  # the web chat's buttons
    REPLY = "reply"  # a short reply on a text channel ("non", "👎"), read by the gateway


class Feedback(Base):
    __tablename__ = "citizen_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    helpful: Mapped[bool]
    source: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(20))
    conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversations.id", ondelete="SET NULL"))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"), unique=True)
    """The rated bot answer (kind ``answer``)."""
    search_log_id: Mapped[int | None] = mapped_column(ForeignKey("kb_search_log.id", ondelete="SET NULL"))
    """The knowledge-base search that produced the rated answer (the editors' inbox shows it there)."""
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id", ondelete="SET NULL"), unique=True)
    """The rated handoff (kind ``help``)."""
    reply_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="SET NULL"))
    """The citizen's message that carried the feedback (source ``reply``, or the button's echo)."""
    faq_id: Mapped[str | None] = mapped_column(String(120))
    department: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_citizen_feedback_kind_created", "kind", "created_at"),
        Index("ix_citizen_feedback_search_log", "search_log_id"),
        Index("ix_citizen_feedback_conversation", "conversation_id"),
    )
