"""The town hall's facts as they stand: what an admin saved wins over the settings, hours and contacts alike."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from guichet.city_facts import CityContacts, CityFactsError
from guichet.crud import city_facts_store, opening_hours_store
from guichet.db import session_scope
from guichet.opening_hours import OpeningHours
from guichet.settings import Settings


def test_the_settings_until_an_admin_saves_then_the_saved_values(settings: Settings,
                                                                 session_factory: sessionmaker[Session]) -> None:
    configured = settings.model_copy(update={"city_phone": "01 23 45 67 89", "city_address": "1 place du Marché"})
    with session_scope(session_factory) as session:
        assert city_facts_store.current_contacts(session, settings=configured) == CityContacts(
            phone="01 23 45 67 89", address="1 place du Marché")
        city_facts_store.save_contacts(session, values={"phone": "04 00 00 00 01", "email": "accueil@ville.fr"})
    with session_scope(session_factory) as session:
        # the saved set wins whole: the address the environment gives is not mixed in
        assert city_facts_store.current_contacts(session, settings=configured) == CityContacts(
            phone="04 00 00 00 01", email="accueil@ville.fr")
        city_facts_store.save_contacts(session, values={"phone": ""})
    with session_scope(session_factory) as session:
        assert city_facts_store.current_contacts(session, settings=configured) == CityContacts(), \
            "an admin who clears a contact makes it unknown, even if the environment sets one"


def test_a_bad_contact_is_refused_and_nothing_is_stored(settings: Settings,
                                                        session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session, pytest.raises(CityFactsError, match="'pas un mail'"):
        city_facts_store.save_contacts(session, values={"email": "pas un mail"})
    with session_scope(session_factory) as session:
        assert city_facts_store.stored_contacts(session) is None


def test_saved_opening_hours_win_over_the_settings(settings: Settings, session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        assert city_facts_store.current_hours(session, settings=settings).weekly["sun"], "the settings' hours"
        target = OpeningHours.parse(settings.opening_hours, settings.timezone)
        opening_hours_store.save_weekly(session, target=target, weekly={"sat": ["10:00-12:30"]})
    with session_scope(session_factory) as session:
        facts = city_facts_store.current(session, settings=settings)
        assert facts.hours.weekly["sun"] == [] and len(facts.hours.weekly["sat"]) == 1
        assert facts.hours.zone.key == settings.timezone
