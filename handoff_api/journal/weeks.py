"""ISO weeks in the city's time zone: "2026-W48" is Monday 00:00 to the next Monday 00:00, local time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

WEEK_RE = re.compile(r"^\s*(\d{4})-?[Ww](\d{1,2})\s*$")


class JournalError(ValueError):
    """A report that cannot be made as asked; the message names the option and the value."""


@dataclass(frozen=True)
class Week:
    year: int
    number: int
    zone: ZoneInfo

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def days(self) -> list[date]:
        return [self.monday + timedelta(days=offset) for offset in range(7)]

    @property
    def start(self) -> datetime:
        """Monday at midnight, local time, given in UTC (as the database keeps every moment)."""
        return datetime.combine(self.monday, datetime.min.time(), self.zone).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """Exclusive: the next Monday at midnight (a clock change makes the week 167 or 169 hours)."""
        return datetime.combine(self.monday + timedelta(days=7), datetime.min.time(), self.zone).astimezone(UTC)

    def shifted(self, weeks: int) -> Week:
        return week_of(self.monday + timedelta(weeks=weeks), self.zone)

    def previous(self, count: int) -> list[Week]:
        """The ``count`` weeks before this one, oldest first."""
        return [self.shifted(-offset) for offset in range(count, 0, -1)]

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()

    def __str__(self) -> str:
        return self.label


def week_of(day: date, zone: ZoneInfo) -> Week:
    year, number, _ = day.isocalendar()
    return Week(year, number, zone)


def last_complete_week(now: datetime, zone: ZoneInfo) -> Week:
    return week_of(now.astimezone(zone).date() - timedelta(days=7), zone)


def parse_week(text: str, zone: ZoneInfo) -> Week:
    """``2026-W48`` (or ``2026W48``, ``2026-w48``) as a Week; JournalError naming the value otherwise."""
    match = WEEK_RE.match(text)
    if match is None:
        raise JournalError(f"week: {text!r} is not an ISO week; write it like 2026-W48")
    year, number = int(match.group(1)), int(match.group(2))
    weeks_in_year = date(year, 12, 28).isocalendar()[1]
    if not 1 <= number <= weeks_in_year:
        raise JournalError(f"week: {text!r} does not exist; {year} has ISO weeks 1 to {weeks_in_year}")
    return Week(year, number, zone)


def resolve_week(text: str | None, *, now: datetime, zone: ZoneInfo) -> tuple[Week, bool]:
    """The week asked for (default: the last complete one) and whether it is still in progress.

    A week that has not started is an error: there is nothing to report yet.
    """
    week = last_complete_week(now, zone) if text is None else parse_week(text, zone)
    if week.start > now:
        current = week_of(now.astimezone(zone).date(), zone)
        raise JournalError(f"week: {week.label} is in the future (this week is {current.label}); "
                           f"the last complete week is {last_complete_week(now, zone).label}")
    return week, now < week.end
