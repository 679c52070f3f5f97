"""Weekly counts of FAQ answers kept after the conversations are gone, for the "rising topics" baseline.

Bot-only conversations are deleted after ``bot_retention_days`` (30): the oldest of the four weeks a
report compares with would lose part of its answers. So each complete week's answer counts per FAQ
entry (anonymous figures) are stored in ``key_values`` while all its data is still there: by the
retention job just before it deletes anything, and by any report that computes them in time.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from guichet.models import KeyValue, Message, utcnow
from handoff_api.journal.weeks import Week, last_complete_week

PREFIX = "journal.answers."
KEPT_WEEKS = 6


def live_answer_counts(session: Session, *, week: Week) -> Counter[str]:
    rows = session.execute(
        select(Message.faq_id, func.count()).where(
            Message.author == "bot", Message.kind == "answer", Message.faq_id.is_not(None),
            Message.created_at >= week.start, Message.created_at < week.end,
        ).group_by(Message.faq_id)
    ).tuples()
    return Counter({str(faq_id): int(count) for faq_id, count in rows})


def _complete_and_retained(week: Week, *, now: datetime, bot_retention_days: int) -> bool:
    return week.end <= now and week.start >= now - timedelta(days=bot_retention_days)


def answer_counts(session: Session, *, week: Week, now: datetime, bot_retention_days: int) -> Counter[str]:
    """The week's answers per FAQ entry: the stored snapshot if any, else counted (and stored if exact)."""
    stored = session.get(KeyValue, PREFIX + week.label)
    if stored is not None and isinstance(stored.value, dict):
        return Counter({str(k): int(v) for k, v in stored.value.items()})
    counts = live_answer_counts(session, week=week)
    if _complete_and_retained(week, now=now, bot_retention_days=bot_retention_days):
        try:
            with session.begin_nested():  # two reports at once: the second finds the first's snapshot
                session.add(KeyValue(key=PREFIX + week.label, value=dict(counts), updated_at=now))
        except IntegrityError:
            pass
    return counts


def keep_recent_answer_counts(session: Session, *, zone: ZoneInfo, bot_retention_days: int,
                              now: datetime | None = None) -> int:
    """Stores the snapshots of the last complete weeks not stored yet; returns how many were added."""
    moment = now or utcnow()
    latest = last_complete_week(moment, zone)
    added = 0
    for week in [*latest.previous(KEPT_WEEKS - 1), latest]:
        if session.get(KeyValue, PREFIX + week.label) is None and _complete_and_retained(
                week, now=moment, bot_retention_days=bot_retention_days):
            answer_counts(session, week=week, now=moment, bot_retention_days=bot_retention_days)
            added += 1
    return added
