"""Figures written the French way for the journal: "52 %", "3,5 h", "lundi 23 novembre"."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
NONE = "—"


def percent(value: float | None) -> str:
    return NONE if value is None else f"{value * 100:.0f} %"


def decimal(value: float | None, digits: int = 1) -> str:
    return NONE if value is None else f"{value:.{digits}f}".replace(".", ",")


def hours(value: float | None) -> str:
    return NONE if value is None else f"{decimal(value)} h"


def day_name(day: date) -> str:
    return f"{DAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]}"


def short_day(day: date) -> str:
    return f"{DAYS[day.weekday()][:3]}. {day.day}"


def moment(value: datetime | None, zone: ZoneInfo) -> str:
    if value is None:
        return NONE
    local = value.astimezone(zone)
    return f"{short_day(local.date())} {local:%H:%M}"


def ratio(value: float | None) -> str:
    return "nouveau" if value is None else f"× {decimal(value)}"


def period(first: date, last: date) -> str:
    if first.month == last.month:
        return f"du {DAYS[first.weekday()]} {first.day} au {day_name(last)} {last.year}"
    return f"du {day_name(first)} au {day_name(last)} {last.year}"


CHANNELS = {"webchat": "Web chat", "x_mention": "X (mentions)", "x_dm": "X (messages privés)", "mastodon": "Mastodon",
            "email": "E-mail"}
RISING_KINDS = {"faq": "entrée FAQ", "department": "service", "questions": "questions sans réponse"}


def channel_name(channel: str) -> str:
    return CHANNELS.get(channel, channel)
