from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from handoff_api.journal.weeks import JournalError, last_complete_week, parse_week, resolve_week

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize("text", ["2026-W48", "2026W48", "2026-w48", " 2026-W48 "])
def test_iso_week_spellings(text: str) -> None:
    week = parse_week(text, PARIS)
    assert week.label == "2026-W48"
    assert week.start.astimezone(PARIS).isoformat() == "2026-11-23T00:00:00+01:00"
    assert week.end.astimezone(PARIS).isoformat() == "2026-11-30T00:00:00+01:00"
    assert week.start.tzinfo is UTC  # bound as UTC in queries: the database keeps UTC


@pytest.mark.parametrize(("text", "fragment"), [
    ("48", "'48' is not an ISO week"),
    ("2026-48", "'2026-48' is not an ISO week"),
    ("2026-W", "'2026-W' is not an ISO week"),
    ("semaine 48", "'semaine 48' is not an ISO week"),
    ("2026-W00", "'2026-W00' does not exist; 2026 has ISO weeks 1 to 53"),
    ("2025-W53", "'2025-W53' does not exist; 2025 has ISO weeks 1 to 52"),
    ("2026-W54", "does not exist"),
])
def test_malformed_weeks_are_named(text: str, fragment: str) -> None:
    with pytest.raises(JournalError, match=fragment):
        parse_week(text, PARIS)


def test_default_is_the_last_complete_week_in_paris() -> None:
    # Sunday 23:30 UTC is already Monday 00:30 in Paris: the week just ended is complete
    now = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)
    assert last_complete_week(now, PARIS).label == "2026-W48"
    week, in_progress = resolve_week(None, now=now, zone=PARIS)
    assert (week.label, in_progress) == ("2026-W48", False)
    earlier = datetime(2026, 11, 29, 22, 30, tzinfo=UTC)  # Sunday 23:30 in Paris
    assert last_complete_week(earlier, PARIS).label == "2026-W47"


def test_future_and_current_weeks() -> None:
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    with pytest.raises(JournalError, match=r"2026-W49 is in the future \(this week is 2026-W48\)"):
        resolve_week("2026-W49", now=now, zone=PARIS)
    week, in_progress = resolve_week("2026-W48", now=now, zone=PARIS)
    assert in_progress and week.label == "2026-W48"


def test_a_week_with_a_clock_change_has_167_hours() -> None:
    week = parse_week("2026-W13", PARIS)  # summer time begins on Sunday 29 March 2026
    assert week.end - week.start == timedelta(hours=167)
    assert [w.label for w in week.previous(4)] == ["2026-W09", "2026-W10", "2026-W11", "2026-W12"]
    assert parse_week("2027-W01", PARIS).shifted(-1).label == "2026-W53"
