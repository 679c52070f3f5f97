"""Edges of the weekly figures: week boundaries in Paris time, pending answers, an empty week."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from guichet.db import session_scope
from guichet.models import Conversation, Message
from guichet.opening_hours import OpeningHours
from guichet.settings import Settings
from handoff_api.commands import migrated_session_factory
from handoff_api.journal.render_text import markdown
from handoff_api.journal.report import build_report
from handoff_api.journal.weeks import parse_week

PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS).astimezone(UTC)


def test_boundaries_follow_paris_time_and_answers_wait_24_hours(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path / "var", _env_file=None)
    factory = migrated_session_factory(settings)
    hours = OpeningHours.parse(settings.opening_hours, settings.timezone)
    week = parse_week("2026-W48", PARIS)
    moments = [paris(2026, 11, 22, 23, 30), paris(2026, 11, 23, 0, 15), paris(2026, 11, 29, 23, 30),
               paris(2026, 11, 30, 0, 15)]
    with session_scope(factory) as session:
        for moment in moments:
            conversation = Conversation(id=uuid.uuid4().hex, channel="webchat", created_at=moment,
                                        last_message_at=moment)
            session.add(conversation)
            session.flush()
            session.add(Message(conversation_id=conversation.id, author="citizen", channel="webchat",
                                text="Horaires de la piscine ?", created_at=moment))
            session.add(Message(conversation_id=conversation.id, author="bot", channel="webchat", text="7h-20h",
                                kind="answer", faq_id="piscines-horaires", created_at=moment + timedelta(seconds=1)))
    now = paris(2026, 11, 30, 9, 0)  # Monday morning: Sunday night's answer has not had its 24 hours
    with session_scope(factory) as session:
        report = build_report(session, week=week, settings=settings, hours=hours, now=now)
    counts = {day.day.isoformat(): day.messages for day in report.days}
    assert counts["2026-11-23"] == 1 and counts["2026-11-29"] == 1 and sum(counts.values()) == 2
    assert (report.outcomes.answers, report.outcomes.resolved, report.outcomes.pending) == (2, 1, 1)
    assert report.outcomes.resolved_share == 1.0
    assert "Provisoire" in markdown(report)


def test_an_empty_week_is_a_report_not_a_crash(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path / "var", _env_file=None)
    factory = migrated_session_factory(settings)
    hours = OpeningHours.parse(settings.opening_hours, settings.timezone)
    with session_scope(factory) as session:
        report = build_report(session, week=parse_week("2026-W10", PARIS), settings=settings, hours=hours,
                              now=paris(2026, 11, 30, 9, 0))
    assert report.empty
    assert report.outcomes.bot_alone_share is None and report.response.median_open_hours is None
    assert report.unanswered.groups == [] and report.rising == [] and report.problems.total == 0
    assert "Aucune activité cette semaine" in markdown(report)
