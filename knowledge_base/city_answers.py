"""The built-in entries: answers about the town hall itself, written at answer time from its facts.

The shipped FAQ holds these entries (knowledge_base/faq/mairie.yml) so that the search finds them and
editors can improve their variants; their stored answer only describes them. The answer a citizen gets
is written here from the facts as they stand (``guichet.crud.city_facts_store.current``): the same
opening hours and holidays the handoff notices use, and the contacts an admin set. A fact that is not
set is never made up: the answer says it is unknown and offers a person.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from guichet.contract.tweet_length import TWEET_LIMIT, weighted_length
from guichet.crud.city_facts_store import CityFacts
from knowledge_base.hours_text import asked_days, day_text, known, week_text

HOURS, ADDRESS, PHONE, EMAIL = "mairie-horaires", "mairie-adresse", "mairie-telephone", "mairie-email-site"
OFFER_PERSON = "Tapez « agent » : une personne de l'équipe vous répondra ici."


def _unknown(what: str) -> str:
    return f"Je ne connais {what} de la mairie. {OFFER_PERSON}"


def _fitted(parts: list[str]) -> str:
    """The first part (its last « ; » items cut if too long), then each next one while the whole fits a tweet."""
    text = parts[0]
    while weighted_length(text) > TWEET_LIMIT and " ; " in text:
        text = text.rsplit(" ; ", 1)[0].rstrip("…") + "…"
    while weighted_length(text) > TWEET_LIMIT:
        text = text[:-2] + "…"
    for part in parts[1:]:
        if weighted_length(f"{text} {part}") <= TWEET_LIMIT:
            text = f"{text} {part}"
    return text


def hours_answer(facts: CityFacts, query: str, now: datetime) -> str:
    hours = facts.hours
    if not known(hours):
        return _unknown("pas les horaires d'ouverture")
    today = now.astimezone(hours.zone).date()
    days = asked_days(query, today)
    if days:
        lines = " ; ".join(day_text(hours, day, today) for day in days)
        return _fitted([f"Horaires de la mairie, {lines}.", f"Toute la semaine : {week_text(hours)}.",
                        "Fermée les jours fériés."])
    parts = [f"Horaires de la mairie : {week_text(hours)}.", "Fermée les jours fériés."]
    if hours.is_holiday(today):
        parts.insert(0, "Aujourd'hui : fermé, jour férié.")
    return _fitted(parts)


def address_answer(facts: CityFacts, query: str, now: datetime) -> str:
    address = facts.contacts.address
    if address is None:
        return _unknown("pas l'adresse")
    return _fitted([f"Adresse de la mairie : {address.rstrip('.')}."])


def phone_answer(facts: CityFacts, query: str, now: datetime) -> str:
    contacts = facts.contacts
    if contacts.phone is None:
        return _unknown("pas le numéro de téléphone")
    parts = [f"Téléphone de la mairie : {contacts.phone}, aux heures d'ouverture."]
    if contacts.email is not None:
        parts.append(f"Vous pouvez aussi écrire à {contacts.email}.")
    return _fitted(parts)


def email_answer(facts: CityFacts, query: str, now: datetime) -> str:
    contacts = facts.contacts
    if contacts.email is None and contacts.website is None:
        return _unknown("ni l'adresse e-mail ni le site internet")
    if contacts.email is None:
        return _fitted([f"Site internet de la mairie : {contacts.website} (je ne connais pas son adresse e-mail)."])
    parts = [f"E-mail de la mairie : {contacts.email}."]
    if contacts.website is not None:
        parts.append(f"Site internet : {contacts.website}")
    return _fitted(parts)


RENDERERS: dict[str, Callable[[CityFacts, str, datetime], str]] = {
    HOURS: hours_answer, ADDRESS: address_answer, PHONE: phone_answer, EMAIL: email_answer,
}


def is_builtin(entry_id: str) -> bool:
    return entry_id in RENDERERS


def render(entry_id: str, *, facts: CityFacts, query: str, now: datetime) -> str:
    """The answer of built-in entry ``entry_id`` to ``query`` (``KeyError`` for any other entry)."""
    return RENDERERS[entry_id](facts, query, now)
