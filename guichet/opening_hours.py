"""Opening hours of the citizen service: when a person is there, and when one will next be."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

log = logging.getLogger(__name__)

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


class OpeningHoursError(ValueError):
    pass


@dataclass(frozen=True)
class OpeningHours:
    weekly: dict[str, list[tuple[time, time]]]
    zone: ZoneInfo
    subdiv: str | None = None

    @classmethod
    def parse(cls, weekly: dict[str, list[str]], timezone: str, subdiv: str | None = None) -> OpeningHours:
        parsed: dict[str, list[tuple[time, time]]] = {}
        for key, spans in weekly.items():
            if key not in DAY_KEYS:
                raise OpeningHoursError(f"opening_hours: unknown day {key!r}; use one of {', '.join(DAY_KEYS)}")
            parsed[key] = [_parse_span(key, span) for span in spans]
        return cls(weekly=parsed, zone=ZoneInfo(timezone), subdiv=subdiv)

    def is_holiday(self, day: date) -> bool:
        return day in holidays.France(years=day.year, subdiv=self.subdiv)

    def spans_on(self, day: date) -> list[tuple[datetime, datetime]]:
        if self.is_holiday(day):
            return []
        return [
            (datetime.combine(day, start, self.zone), datetime.combine(day, end, self.zone))
            for start, end in self.weekly.get(DAY_KEYS[day.weekday()], [])
        ]

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        return any(start <= local < end for start, end in self.spans_on(local.date()))

    def next_opening(self, moment: datetime) -> datetime | None:
        local = moment.astimezone(self.zone)
        for offset in range(0, 30):
            for start, end in self.spans_on(local.date() + timedelta(days=offset)):
                if end > local:
                    return max(start, local)
        return None

    def add_open_hours(self, moment: datetime, hours: float) -> datetime:
        """The moment at which ``hours`` of opening time have passed since ``moment``."""
        remaining = timedelta(hours=hours)
        local = moment.astimezone(self.zone)
        for offset in range(0, 400):
            for start, end in self.spans_on(local.date() + timedelta(days=offset)):
                if end <= local:
                    continue
                begin = max(start, local)
                if begin + remaining <= end:
                    return begin + remaining
                remaining -= end - begin
        raise OpeningHoursError("opening_hours: no opening time in the next 400 days")

    def first_response_due(self, moment: datetime, hours: float) -> datetime:
        """``add_open_hours``; with no opening time ahead at all (every day closed), ``hours`` of clock time, so
        that a handoff still opens (and shows as overdue if nobody answers) rather than failing."""
        try:
            return self.add_open_hours(moment, hours)
        except OpeningHoursError:
            log.warning("opening_hours: no opening time ahead (every day closed?): deadline in %s clock hours",
                        hours)
            return moment + timedelta(hours=hours)

    def expectation(self, moment: datetime) -> str:
        """A short French sentence telling a citizen when a person will answer."""
        if self.is_open(moment):
            return "Une personne de l'équipe vous répond dans la journée."
        opening = self.next_opening(moment)
        if opening is None:
            return "Le service est fermé pour le moment : une personne vous répondra dès sa réouverture."
        local = moment.astimezone(self.zone)
        when = opening.strftime("%Hh%M").replace("h00", "h")
        if opening.date() == local.date():
            day = "aujourd'hui"
        elif opening.date() == local.date() + timedelta(days=1):
            day = "demain"
        else:
            day = f"{DAY_NAMES_FR[opening.weekday()]} {opening.day}"
        return f"Le service est fermé : une personne vous répondra dès {day} à partir de {when}."


def _parse_span(day: str, span: str) -> tuple[time, time]:
    try:
        start_text, end_text = span.split("-")
        start, end = time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
    except ValueError as error:
        raise OpeningHoursError(f"opening_hours.{day}: {span!r} is not HH:MM-HH:MM") from error
    if end <= start:
        raise OpeningHoursError(f"opening_hours.{day}: {span!r} ends before it starts")
    return start, end
