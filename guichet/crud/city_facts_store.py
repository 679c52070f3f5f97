"""The town hall's facts as they stand: contacts and opening hours saved by an admin win over the settings.

Contacts are kept in ``KeyValue("city_contacts")`` (all four fields at once, an empty one meaning
unknown), the weekly hours in ``KeyValue("opening_hours")`` (``opening_hours_store``). ``current`` reads
both on every call, so the built-in answers of every process follow an admin's change at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from guichet.city_facts import CityContacts
from guichet.crud import opening_hours_store
from guichet.models import KeyValue, utcnow
from guichet.opening_hours import OpeningHours
from guichet.settings import Settings

KEY = "city_contacts"


@dataclass(frozen=True)
class CityFacts:
    contacts: CityContacts
    hours: OpeningHours


def stored_contacts(session: Session) -> CityContacts | None:
    stored = session.get(KeyValue, KEY)
    return None if stored is None else CityContacts.validated(dict(stored.value))


def current_contacts(session: Session, *, settings: Settings) -> CityContacts:
    return stored_contacts(session) or CityContacts.from_settings(settings)


def save_contacts(session: Session, *, values: dict[str, str | None]) -> CityContacts:
    """Validate and store the four contacts (raises ``CityFactsError`` naming the field); returns them."""
    contacts = CityContacts.validated(values)
    stored = session.get(KeyValue, KEY)
    if stored is None:
        session.add(KeyValue(key=KEY, value=contacts.as_dict(), updated_at=utcnow()))
    else:
        stored.value = contacts.as_dict()
        stored.updated_at = utcnow()
    session.flush()
    return contacts


def current_hours(session: Session, *, settings: Settings) -> OpeningHours:
    weekly = opening_hours_store.stored_weekly(session)
    return OpeningHours.parse(weekly if weekly is not None else settings.opening_hours, settings.timezone,
                              settings.holidays_subdiv)


def current(session: Session, *, settings: Settings) -> CityFacts:
    return CityFacts(contacts=current_contacts(session, settings=settings),
                     hours=current_hours(session, settings=settings))
