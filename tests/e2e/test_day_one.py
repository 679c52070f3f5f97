"""A town hall's first questions through the running system: its own hours and phone, the census at 16.

The stack runs with the shipped FAQ, Saturday hours of 10:00-12:30 and a phone number in the settings;
the answers must come from those facts (knowledge_base/city_answers.py), not from a neighbouring entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from testing.stack import running_stack, stack_settings
from tests.e2e.test_walking_skeleton import open_conversation, say

PHONE = "05 56 10 20 30"
WEEK = {day: ["08:30-12:00", "13:30-17:30"] for day in ("mon", "tue", "wed", "thu", "fri")} | {"sat": ["10:00-12:30"]}


@pytest.fixture(scope="module")
def town_hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    var = tmp_path_factory.mktemp("day-one")
    settings = stack_settings(var, opening_hours=WEEK, city_phone=PHONE)
    # the whole shipped FAQ is embedded at start (about 2,000 texts): minutes on a busy machine
    with running_stack(settings, var / "logs", timeout=1800) as running, \
            httpx.Client(base_url=running.settings.resolved_api_url, timeout=60) as client:
        yield client


def ask(api: httpx.Client, text: str) -> list[dict[str, Any]]:
    """The bot's replies to ``text`` as the first message of a new conversation."""
    return say(api, open_conversation(api), text)


def test_the_town_hall_is_open_on_saturday_morning(town_hall: httpx.Client) -> None:
    replies = ask(town_hall, "la mairie est ouverte le samedi matin ?")
    assert replies[0]["kind"] == "answer" and replies[0]["faq_id"] == "mairie-horaires", replies
    assert "samedi : 10h–12h30" in replies[0]["text"], replies


def test_the_town_hall_phone_number_is_the_configured_one(town_hall: httpx.Client) -> None:
    replies = ask(town_hall, "numéro de téléphone de la mairie")
    assert replies[0]["kind"] == "answer" and replies[0]["faq_id"] == "mairie-telephone", replies
    assert PHONE in replies[0]["text"]


def test_the_census_at_16_is_not_answered_with_the_electoral_roll(town_hall: httpx.Client) -> None:
    replies = ask(town_hall, "recensement citoyen à 16 ans")
    answered = [r.get("faq_id") for r in replies if r.get("kind") == "answer"]
    assert "elections-jeunes-18-ans" not in answered, replies
    assert answered in ([], ["etat-civil-recensement-citoyen"]), replies


def test_an_unfilled_entry_is_never_given_to_a_citizen(town_hall: httpx.Client) -> None:
    """The shipped municipal police entry waits for the city's phone and address: a person answers meanwhile."""
    question = "quel est le numéro de la police municipale ?"
    search = town_hall.post("/api/kb/search", json={"text": question},
                            headers={"Authorization": "Bearer e2e-service-token"}).json()
    assert search["hits"][0]["id"] == "accueil-police-municipale" and search["decision"] == "handoff", search
    replies = ask(town_hall, question)
    assert replies[-1]["kind"] == "handoff", replies
    assert all("compléter" not in str(r.get("text")) and r.get("faq_id") is None for r in replies), replies
