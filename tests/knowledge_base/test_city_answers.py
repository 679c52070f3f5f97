"""Built-in entries: answers about the town hall written from its facts when asked, never invented."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from guichet.city_facts import MAX_CHARS, CityContacts
from guichet.contract.tweet_length import weighted_length
from guichet.crud import city_facts_store, opening_hours_store
from guichet.crud.city_facts_store import CityFacts
from guichet.db import session_scope
from guichet.opening_hours import OpeningHours
from guichet.settings import PROJECT_ROOT, Settings
from knowledge_base import city_answers
from knowledge_base.hashing_encoder import HashingEncoder
from knowledge_base.service import KnowledgeBase
from knowledge_base.yaml_files import import_path, read_entries

HOURS = OpeningHours.parse({day: ["08:30-17:30"] for day in ("mon", "tue", "wed", "thu", "fri")}
                           | {"sat": ["10:00-12:30"]}, "Europe/Paris")
CONTACTS = CityContacts(address="1 place de l'Hôtel de Ville, 33000 Bordeaux (tram A, arrêt Hôtel de Ville)",
                        phone="05 56 10 20 30", email="accueil@ville.fr", website="https://www.ville.fr")
FRIDAY = datetime(2026, 12, 4, 9, tzinfo=UTC)
CHRISTMAS = datetime(2026, 12, 25, 9, tzinfo=UTC)
ABOUT = {city_answers.HOURS: "horaires", city_answers.ADDRESS: "adresse", city_answers.PHONE: "téléphone",
         city_answers.EMAIL: "e-mail"}


def answer(entry_id: str, query: str = "?", *, contacts: CityContacts = CONTACTS, hours: OpeningHours = HOURS,
           now: datetime = FRIDAY) -> str:
    return city_answers.render(entry_id, facts=CityFacts(contacts=contacts, hours=hours), query=query, now=now)


def test_the_hours_for_the_day_asked_then_the_week() -> None:
    text = answer(city_answers.HOURS, "la mairie est ouverte le samedi matin ?")
    assert text.startswith("Horaires de la mairie, demain samedi : 10h–12h30.")
    assert "du lundi au vendredi : 8h30–17h30" in text and "dimanche : fermé" in text
    assert answer(city_answers.HOURS, "ouvert dimanche ?").startswith("Horaires de la mairie, dimanche : fermé.")
    general = answer(city_answers.HOURS, "horaires d'ouverture")
    assert general.startswith("Horaires de la mairie : du lundi au vendredi : 8h30–17h30 ; samedi : 10h–12h30")


def test_a_holiday_is_said_closed() -> None:
    assert answer(city_answers.HOURS, "vous êtes ouverts aujourd'hui ?", now=CHRISTMAS).startswith(
        "Horaires de la mairie, aujourd'hui vendredi 25 décembre : fermé, jour férié")
    assert answer(city_answers.HOURS, "horaires", now=CHRISTMAS).startswith("Aujourd'hui : fermé, jour férié.")


def test_contacts() -> None:
    assert answer(city_answers.PHONE) == ("Téléphone de la mairie : 05 56 10 20 30, aux heures d'ouverture. "
                                          "Vous pouvez aussi écrire à accueil@ville.fr.")
    assert answer(city_answers.ADDRESS) == f"Adresse de la mairie : {CONTACTS.address}."
    assert answer(city_answers.EMAIL) == "E-mail de la mairie : accueil@ville.fr. Site internet : https://www.ville.fr"
    website_only = CityContacts(website="https://www.ville.fr")
    assert "https://www.ville.fr" in answer(city_answers.EMAIL, contacts=website_only)
    assert "Vous pouvez aussi" not in answer(city_answers.PHONE, contacts=CityContacts(phone="05 56 10 20 30"))


@pytest.mark.parametrize("entry_id", list(ABOUT))
def test_a_fact_not_set_is_not_invented_and_a_person_is_offered(entry_id: str) -> None:
    nothing = OpeningHours.parse({}, "Europe/Paris")
    text = answer(entry_id, "samedi", contacts=CityContacts(), hours=nothing)
    assert text.startswith("Je ne connais ") and ABOUT[entry_id] in text and "« agent »" in text
    assert not any(char.isdigit() for char in text) and "@" not in text


@pytest.mark.parametrize("entry_id", list(ABOUT))
def test_answers_fit_a_tweet_with_the_longest_facts(entry_id: str) -> None:
    longest = CityContacts.validated({"address": "a" * MAX_CHARS["address"], "phone": "0" * MAX_CHARS["phone"],
                                      "email": "m" * 110 + "@ville.fr", "website": "https://" + "w" * 189 + ".fr"})
    busy = OpeningHours.parse({day: ["08:00-09:00", "10:00-11:00", "12:00-13:00", "14:00-15:00"]
                               for day in ("mon", "wed", "fri")} | {"tue": ["08:00-18:00"]}, "Europe/Paris")
    for query in ("?", "lundi mardi mercredi jeudi vendredi samedi dimanche", "aujourd'hui"):
        assert weighted_length(answer(entry_id, query, contacts=longest, hours=busy, now=CHRISTMAS)) <= 280


def test_the_shipped_faq_holds_every_built_in_entry() -> None:
    shipped = {entry.id: entry for entry in read_entries(PROJECT_ROOT / "knowledge_base" / "faq" / "mairie.yml",
                                                         departments={"accueil"})}
    assert set(city_answers.RENDERERS) <= set(shipped)


BUILT_IN = """\
department: accueil
entries:
  - id: mairie-telephone
    question: "Quel est le numéro de téléphone de la mairie ?"
    answer: "Numéro de téléphone de la mairie (standard, accueil)."
    variants: ["appeler la mairie", "téléphone de l'hôtel de ville"]
  - id: mairie-horaires
    question: "Quels sont les horaires d'ouverture de la mairie ?"
    answer: "Horaires d'ouverture de la mairie, jour par jour."
    variants: ["la mairie est-elle ouverte le samedi", "heures d'ouverture de l'hôtel de ville"]
  - id: piscines-horaires
    question: "Quels sont les horaires des piscines ?"
    answer: "Les piscines ouvrent de 7h à 20h."
"""


def test_the_search_answers_from_the_facts_as_they_stand(tmp_path: Path, settings: Settings,
                                                         session_factory: sessionmaker[Session]) -> None:
    (tmp_path / "mairie.yml").write_text(BUILT_IN, encoding="utf-8")
    assert import_path(session_factory, tmp_path / "mairie.yml", actor="test").ok
    configured = settings.model_copy(update={"city_phone": "01 23 45 67 89"})
    encoder = HashingEncoder(256)
    knowledge_base = KnowledgeBase(encoder=encoder, session_factory=session_factory, dim=encoder.dim, sync_seconds=-1,
                                   facts=lambda session: city_facts_store.current(session, settings=configured))
    knowledge_base.load()
    hit = knowledge_base.search("numéro de téléphone de la mairie").hits[0]
    assert hit.id == "mairie-telephone" and "01 23 45 67 89" in hit.answer
    with session_scope(session_factory) as session:  # an admin's change is the next answer, without a reload
        city_facts_store.save_contacts(session, values={"phone": "09 87 65 43 21"})
        opening_hours_store.save_weekly(session, target=HOURS, weekly={"sat": ["09:00-11:00"]})
    assert "09 87 65 43 21" in knowledge_base.search("numéro de téléphone de la mairie").hits[0].answer
    assert "samedi : 9h–11h" in knowledge_base.search("horaires d'ouverture de la mairie le samedi").hits[0].answer
    piscine = knowledge_base.search("horaires des piscines").hits
    assert piscine[0].answer == "Les piscines ouvrent de 7h à 20h.", "other entries are left as written"


def test_a_knowledge_base_without_facts_refuses_to_answer_a_built_in_entry(
        tmp_path: Path, session_factory: sessionmaker[Session]) -> None:
    (tmp_path / "mairie.yml").write_text(BUILT_IN, encoding="utf-8")
    assert import_path(session_factory, tmp_path / "mairie.yml", actor="test").ok
    encoder = HashingEncoder(256)
    knowledge_base = KnowledgeBase(encoder=encoder, session_factory=session_factory, dim=encoder.dim, sync_seconds=-1)
    knowledge_base.load()
    with pytest.raises(RuntimeError, match="facts"):
        knowledge_base.search("numéro de téléphone de la mairie")
