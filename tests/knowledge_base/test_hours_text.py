"""Opening hours in French: the day asked (« samedi », « demain », « ce week-end »), holidays, closed days."""

from __future__ import annotations

from datetime import date, time

import pytest

from guichet.opening_hours import OpeningHours
from knowledge_base.hours_text import asked_days, clock, day_text, known, week_text

HOURS = OpeningHours.parse({"mon": ["08:30-12:00", "13:30-17:30"], "tue": ["08:30-17:30"], "wed": ["08:30-17:30"],
                            "thu": ["08:30-17:30"], "fri": ["08:30-17:30"], "sat": ["10:00-12:30"]}, "Europe/Paris")
THURSDAY = date(2026, 12, 3)


def test_clock_and_week() -> None:
    assert (clock(time(10, 0)), clock(time(8, 30)), clock(time(12, 30))) == ("10h", "8h30", "12h30")
    assert week_text(HOURS) == ("lundi : 8h30–12h et 13h30–17h30 ; du mardi au vendredi : 8h30–17h30 ; "
                                "samedi : 10h–12h30 ; dimanche : fermé")


@pytest.mark.parametrize(("query", "expected"), [
    ("la mairie est ouverte le samedi matin ?", [date(2026, 12, 5)]),
    ("vous êtes ouverts aujourd'hui ?", [THURSDAY]),
    ("c ouvert ajd", [THURSDAY]),
    ("et demain ?", [date(2026, 12, 4)]),
    ("après-demain c'est ouvert ?", [date(2026, 12, 5)]),
    ("ouvert ce week-end ?", [date(2026, 12, 5), date(2026, 12, 6)]),
    ("le jeudi", [THURSDAY]),  # today's weekday is today, not next week
    ("ouvert les lundis ?", [date(2026, 12, 7)]),
    ("quels sont vos horaires", []),
    ("nous voulons passer en fin de journée", []),  # "voulons" is not "lundi", "nous" is not "now"
])
def test_the_days_a_message_asks_about(query: str, expected: list[date]) -> None:
    assert asked_days(query, THURSDAY) == expected


def test_a_day_open_closed_or_a_holiday() -> None:
    assert day_text(HOURS, date(2026, 12, 5), THURSDAY) == "samedi : 10h–12h30"
    assert day_text(HOURS, date(2026, 12, 6), THURSDAY) == "dimanche : fermé"
    assert day_text(HOURS, THURSDAY, THURSDAY) == "aujourd'hui jeudi : 8h30–17h30"
    assert day_text(HOURS, date(2026, 12, 4), THURSDAY) == "demain vendredi : 8h30–17h30"
    christmas = date(2026, 12, 25)  # a Friday
    assert day_text(HOURS, christmas, christmas) == (
        "aujourd'hui vendredi 25 décembre : fermé, jour férié (les autres vendredis : 8h30–17h30)")
    assert day_text(HOURS, date(2027, 1, 1), date(2026, 12, 28)) == (
        "vendredi 1er janvier : fermé, jour férié (les autres vendredis : 8h30–17h30)")
    sunday_holiday = date(2026, 11, 1)  # All Saints' Day on a Sunday: closed anyway
    assert day_text(HOURS, sunday_holiday, date(2026, 10, 30)) == "dimanche 1er novembre : fermé, jour férié"


def test_hours_with_no_opening_at_all_are_unknown() -> None:
    assert known(HOURS) and not known(OpeningHours.parse({}, "Europe/Paris"))
