"""Opening hours edited by an admin: kept in ``KeyValue("opening_hours")``, applied to the running app in place."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from guichet.models import KeyValue, utcnow
from guichet.opening_hours import DAY_KEYS, OpeningHours, OpeningHoursError

KEY = "opening_hours"


def weekly_text(hours: OpeningHours) -> dict[str, list[str]]:
    """``{"mon": ["08:30-17:30"], ...}`` for every day, closed days as ``[]``."""
    return {day: [f"{start:%H:%M}-{end:%H:%M}" for start, end in hours.weekly.get(day, [])] for day in DAY_KEYS}


def stored_weekly(session: Session) -> dict[str, list[str]] | None:
    stored = session.get(KeyValue, KEY)
    return None if stored is None else dict(stored.value)


def apply(target: OpeningHours, weekly: dict[str, list[str]]) -> None:
    """Replace the hours of the object the gateway and the app share (raises ``OpeningHoursError`` first)."""
    parsed = OpeningHours.parse(weekly, target.zone.key, target.subdiv)
    target.weekly.clear()
    target.weekly.update(parsed.weekly)


def save_weekly(session: Session, *, target: OpeningHours, weekly: dict[str, list[str]]) -> dict[str, list[str]]:
    """Validate and store new weekly hours (a day left out is closed); returns them normalised.

    The caller applies them (``apply``) once the transaction is committed.
    """
    unknown = sorted(set(weekly) - set(DAY_KEYS))
    if unknown:
        raise OpeningHoursError(f"opening_hours: unknown day {unknown[0]!r}; use one of {', '.join(DAY_KEYS)}")
    complete = {day: [span.strip() for span in weekly.get(day, []) if span.strip()] for day in DAY_KEYS}
    if not any(complete.values()):
        raise OpeningHoursError(
            "opening_hours: every day is closed; a handoff's first-response deadline needs at least one opening "
            "span in the week (for a closure, keep the hours of a day on which someone reads the queue)")
    parsed = OpeningHours.parse(complete, target.zone.key, target.subdiv)
    normalised = weekly_text(parsed)
    stored = session.get(KeyValue, KEY)
    if stored is None:
        session.add(KeyValue(key=KEY, value=normalised, updated_at=utcnow()))
    else:
        stored.value = normalised
        stored.updated_at = utcnow()
    session.flush()
    return normalised


def load_stored(factory: sessionmaker[Session], target: OpeningHours) -> None:
    """At start-up: hours saved by an admin win over the configured ones."""
    with factory() as session:
        weekly = stored_weekly(session)
    if weekly is not None:
        apply(target, weekly)
