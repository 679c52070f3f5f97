"""Retention: bot-only conversations deleted after ``bot_retention_days``, the others anonymised after
``retention_days``, both counted from the conversation's last message; search-log rows (already
masked) kept ``retention_days`` and detached from the conversations that go; audit-log rows kept
``audit_retention_days``. Rasa's copy of both kinds of conversations (its tracker events, clear text)
is deleted (``rasa_trackers``).

A conversation with an open handoff is never touched: someone is still working on it. Before
deleting, the anonymous weekly answer counts the journal compares with are kept (``journal.snapshots``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from guichet.models import AuditEntry, Author, Conversation, Feedback, Handoff, Message, SearchLog, utcnow
from guichet.models.handoff import OPEN_STATUSES
from guichet.settings import Settings
from handoff_api.journal.snapshots import keep_recent_answer_counts
from handoff_api.privacy.anonymise import Anonymisation, anonymise_conversations
from handoff_api.privacy.erasure import Deletion, count_attached, delete_conversations
from handoff_api.privacy.inbox_rows import expire as expire_inbox
from handoff_api.privacy.rasa_trackers import RasaTrackers


@dataclass
class PurgeReport:
    dry_run: bool
    bot_cutoff: datetime
    cutoff: datetime
    deleted: Deletion = field(default_factory=Deletion)
    anonymised: Anonymisation = field(default_factory=Anonymisation)
    search_logs_deleted: int = 0
    feedback_deleted: int = 0  # detached citizens' verdicts older than the retention period
    rasa_events_deleted: int = 0
    skipped_open_handoff: int = 0
    audit_entries_deleted: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "bot_cutoff": self.bot_cutoff.isoformat(),
                "cutoff": self.cutoff.isoformat(), "deleted": self.deleted.as_dict(),
                "anonymised": self.anonymised.as_dict(), "search_logs_deleted": self.search_logs_deleted,
                "feedback_deleted": self.feedback_deleted,
                "rasa_events_deleted": self.rasa_events_deleted,
                "skipped_open_handoff": self.skipped_open_handoff,
                "audit_entries_deleted": self.audit_entries_deleted}

    def summary(self) -> str:
        verb = "would delete" if self.dry_run else "deleted"
        anonymise = "would anonymise" if self.dry_run else "anonymised"
        return (f"{verb} {self.deleted.conversations} bot-only conversation(s) last active before "
                f"{self.bot_cutoff:%Y-%m-%d} ({self.deleted.messages} message(s)); "
                f"{anonymise} {self.anonymised.conversations} conversation(s) last active before "
                f"{self.cutoff:%Y-%m-%d} ({self.anonymised.messages} message(s), {self.anonymised.handoffs} "
                f"handoff(s)); {verb} {self.search_logs_deleted} search-log row(s), {self.feedback_deleted} detached "
                f"feedback row(s) and "
                f"{self.rasa_events_deleted} Rasa tracker event(s); "
                f"skipped {self.skipped_open_handoff} conversation(s) with an open handoff; "
                f"{verb} {self.audit_entries_deleted} audit-log row(s)")


def _has_person() -> Any:
    """A handoff was made, or an agent wrote (a reply or a note), in the conversation."""
    handoff = exists().where(Handoff.conversation_id == Conversation.id)
    agent = exists().where(Message.conversation_id == Conversation.id,
                           Message.author.in_((Author.AGENT.value, Author.NOTE.value)))
    return handoff | agent


def _open_handoff() -> Any:
    return exists().where(Handoff.conversation_id == Conversation.id, Handoff.status.in_(OPEN_STATUSES))


def bot_only_expired(session: Session, *, cutoff: datetime) -> list[str]:
    return list(session.scalars(select(Conversation.id).where(
        Conversation.last_message_at < cutoff, ~_has_person()).order_by(Conversation.id)))


def handled_expired(session: Session, *, cutoff: datetime) -> tuple[list[str], int]:
    """Conversations a person handled, to anonymise; and how many are skipped for an open handoff."""
    expired = [Conversation.last_message_at < cutoff, Conversation.anonymised_at.is_(None), _has_person()]
    ids = list(session.scalars(select(Conversation.id).where(*expired, ~_open_handoff()).order_by(Conversation.id)))
    skipped = int(session.scalar(select(func.count()).select_from(Conversation).where(*expired, _open_handoff()))
                  or 0)
    return ids, skipped


def purge(session: Session, *, settings: Settings, now: datetime | None = None, dry_run: bool = False) -> PurgeReport:
    """Applies the retention periods (or, with ``dry_run``, only counts what they would remove)."""
    trackers = RasaTrackers.from_settings(settings)
    moment = now or utcnow()
    report = PurgeReport(dry_run=dry_run, bot_cutoff=moment - timedelta(days=settings.bot_retention_days),
                         cutoff=moment - timedelta(days=settings.retention_days))
    bot_only = bot_only_expired(session, cutoff=report.bot_cutoff)
    handled, report.skipped_open_handoff = handled_expired(session, cutoff=report.cutoff)
    old_logs = SearchLog.created_at < report.cutoff
    report.search_logs_deleted = int(session.scalar(select(func.count()).select_from(SearchLog).where(old_logs))
                                     or 0)
    old_feedback = (Feedback.created_at < report.cutoff, Feedback.conversation_id.is_(None))
    report.feedback_deleted = int(session.scalar(select(func.count()).select_from(Feedback).where(*old_feedback))
                                  or 0)
    old_audit = AuditEntry.created_at < moment - timedelta(days=settings.audit_retention_days)
    report.audit_entries_deleted = int(session.scalar(select(func.count()).select_from(AuditEntry)
                                                      .where(old_audit)) or 0)
    bot_chunks = chunks(bot_only, settings.purge_chunk_size)
    handled_chunks = chunks(handled, settings.purge_chunk_size)
    if dry_run:
        report.rasa_events_deleted = trackers.count(session, conversation_ids=bot_only + handled)
        for ids in bot_chunks:
            report.deleted.add(count_attached(session, conversation_ids=ids, search_logs=False))
        for ids in handled_chunks:
            report.anonymised.add(anonymise_conversations(session, conversation_ids=ids, now=moment, dry_run=True))
        return report
    keep_recent_answer_counts(session, zone=ZoneInfo(settings.timezone), now=moment,
                              bot_retention_days=settings.bot_retention_days)
    report.rasa_events_deleted = trackers.forget(session, conversation_ids=bot_only + handled)
    for ids in bot_chunks:
        report.deleted.add(delete_conversations(session, conversation_ids=ids, search_logs="unlink"))
    report.deleted.search_logs = 0  # detached, not deleted: they are counted with the old ones below
    report.deleted.feedback = 0  # detached too: anonymous verdicts, kept for the weekly figures
    for ids in handled_chunks:
        report.anonymised.add(anonymise_conversations(session, conversation_ids=ids, now=moment))
    session.execute(delete(Feedback).where(*old_feedback).execution_options(synchronize_session=False))
    session.execute(delete(SearchLog).where(old_logs).execution_options(synchronize_session=False))
    expire_inbox(session, cutoff=report.cutoff)
    session.execute(delete(AuditEntry).where(old_audit).execution_options(synchronize_session=False))
    return report


def chunks(ids: list[str], size: int) -> list[list[str]]:
    """Statements name at most ``size`` conversations: databases cap the variables of one (SQLite 32,766)."""
    return [ids[start:start + size] for start in range(0, len(ids), size)]
