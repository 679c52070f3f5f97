"""Opening hours in plain French: the day a citizen asks about, and the week (« samedi : 10h–12h30 »)."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from guichet.opening_hours import DAY_KEYS, DAY_NAMES_FR, OpeningHours
from knowledge_base.text import fold

TODAY_RE = re.compile(r"\b(?:aujourd ?hui|auj|ajd|ce (?:matin|midi|soir)|cet apres[ -]?midi|maintenant|"
                      r"en ce moment|actuellement|today|now)\b")
AFTER_TOMORROW_RE = re.compile(r"\bapres[ -]?demain\b")
TOMORROW_RE = re.compile(r"\b(?:demain|tomorrow)\b")
WEEKEND_RE = re.compile(r"\b(?:week[ -]?ends?|ce we)\b")
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")
DAY_RES = [re.compile(rf"\b{name}s?\b") for name in DAY_NAMES_FR]


def clock(moment: time) -> str:
    """``10:00`` -> ``10h``, ``08:30`` -> ``8h30``."""
    return f"{moment.hour}h" if moment.minute == 0 else f"{moment.hour}h{moment.minute:02d}"


def spans_text(spans: list[tuple[time, time]]) -> str:
    return " et ".join(f"{clock(start)}–{clock(end)}" for start, end in spans) or "fermé"


def known(hours: OpeningHours) -> bool:
    """False when no day has any opening time: the hours were never set."""
    return any(hours.weekly.get(day) for day in DAY_KEYS)


def week_text(hours: OpeningHours) -> str:
    """« du lundi au vendredi : 8h30–17h30 ; samedi : 9h–12h ; dimanche : fermé »."""
    runs: list[tuple[int, int, str]] = []
    for index, day in enumerate(DAY_KEYS):
        text = spans_text(hours.weekly.get(day, []))
        if runs and runs[-1][2] == text:
            runs[-1] = (runs[-1][0], index, text)
        else:
            runs.append((index, index, text))
    parts = []
    for first, last, text in runs:
        if first == last:
            days = DAY_NAMES_FR[first]
        elif last == first + 1:
            days = f"{DAY_NAMES_FR[first]} et {DAY_NAMES_FR[last]}"
        else:
            days = f"du {DAY_NAMES_FR[first]} au {DAY_NAMES_FR[last]}"
        parts.append(f"{days} : {text}")
    return " ; ".join(parts)


def asked_days(query: str, today: date) -> list[date]:
    """The dates a message asks about (« samedi », « demain », « ce week-end »), soonest first; none: the week."""
    text = fold(query).replace("'", " ")
    found: set[date] = set()
    if TODAY_RE.search(text):
        found.add(today)
    if AFTER_TOMORROW_RE.search(text):
        found.add(today + timedelta(days=2))
        text = AFTER_TOMORROW_RE.sub(" ", text)
    if TOMORROW_RE.search(text):
        found.add(today + timedelta(days=1))
    weekdays = [index for index, pattern in enumerate(DAY_RES) if pattern.search(text)]
    if WEEKEND_RE.search(text):
        weekdays += [5, 6]
    for weekday in weekdays:
        found.add(today + timedelta(days=(weekday - today.weekday()) % 7))
    return sorted(found)


def day_text(hours: OpeningHours, day: date, today: date) -> str:
    """« samedi : 10h–12h30 », « aujourd'hui lundi : fermé, jour férié (les autres lundis : 8h30–17h30) »."""
    weekday = DAY_NAMES_FR[day.weekday()]
    usual = spans_text(hours.weekly.get(DAY_KEYS[day.weekday()], []))
    holiday = hours.is_holiday(day)
    label = f"{weekday} {day.day}{'er' if day.day == 1 else ''} {MONTHS_FR[day.month - 1]}" if holiday else weekday
    if day == today:
        label = f"aujourd'hui {label}"
    elif day == today + timedelta(days=1):
        label = f"demain {label}"
    if not holiday:
        return f"{label} : {usual}"
    if usual == "fermé":
        return f"{label} : fermé, jour férié"
    return f"{label} : fermé, jour férié (les autres {weekday}s : {usual})"
