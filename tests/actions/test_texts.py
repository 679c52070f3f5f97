"""Every text the bot can send: custom payloads only, French "vous", at most 280 weighted characters."""

from __future__ import annotations

import re
import string

import pytest
from twitter_text import parse_tweet

from actions import texts
from actions.handoff import handoff_text
from actions.payloads import KINDS, make_payload, truncate, weighted_length
from actions.problem_types import PROBLEM_TYPES
from actions.report import report_text
from actions.status import status_text
from guichet.contract.departments import DEPARTMENT_LABELS
from tests.actions.helpers import DOMAIN

PAYLOAD_KEYS = {"text", "kind", "faq_id", "suggestions", "handoff"}
LONG_VALUES = {
    "reference": "G-WWWWW",
    "department": max((label for label in DEPARTMENT_LABELS.values()), key=len),
    "problem": max((label for label, _ in PROBLEM_TYPES.values()), key=len),
    "place": "W" * 80,
    "date": "31/12/2025",
}
TU_FORMS = re.compile(r"\b(tu|toi|ton|ta|tes|t'as|t'es)\b", re.IGNORECASE)


def domain_responses() -> list[tuple[str, dict]]:
    return [(name, variant) for name, variants in DOMAIN["responses"].items() for variant in variants]


def action_texts() -> list[tuple[str, str]]:
    found = []
    for name, value in vars(texts).items():
        if name.isupper() and isinstance(value, str):
            found.append((name, value))
        elif name.isupper() and isinstance(value, dict):
            found += [(f"{name}[{key}]", text) for key, text in value.items()]
    return found


def fill(template: str) -> str:
    fields = [field for _, field, _, _ in string.Formatter().parse(template) if field]
    return template.format(**{field: LONG_VALUES[field] for field in fields})


@pytest.mark.parametrize(("name", "variant"), domain_responses())
def test_domain_responses_are_custom_payloads(name: str, variant: dict) -> None:
    assert set(variant) == {"custom"}, f"{name} must use custom: only"
    payload = variant["custom"]
    assert set(payload) == PAYLOAD_KEYS
    assert payload["kind"] in KINDS
    assert payload["suggestions"] == [] and payload["handoff"] is None and payload["faq_id"] is None
    assert parse_tweet(payload["text"]).weightedLength <= 280
    assert not TU_FORMS.search(payload["text"])


def test_greeting_says_it_is_the_automatic_assistant() -> None:
    text = DOMAIN["responses"]["utter_greet"][0]["custom"]["text"]
    assert text.startswith("Bonjour ! Je suis l'assistant automatique de la Ville.")


def test_bot_challenge_says_how_to_reach_a_person() -> None:
    text = DOMAIN["responses"]["utter_bot_challenge"][0]["custom"]["text"]
    assert "assistant automatique de la Ville" in text and "agent" in text


@pytest.mark.parametrize(("name", "template"), action_texts())
def test_action_texts_fit_in_280(name: str, template: str) -> None:
    text = fill(template)
    assert parse_tweet(text).weightedLength <= 280, name
    assert not TU_FORMS.search(text), name


def test_composed_texts_fit_in_280() -> None:
    expected = "Un agent vous répondra lundi 14 avril avant 12 h, car nos bureaux sont fermés le week-end."
    for reason, intro in texts.HANDOFF_INTRO.items():
        text = handoff_text(intro, expected, "G-WWWWW")
        assert parse_tweet(text).weightedLength <= 280, reason
        assert expected in text and "G-WWWWW" in text
    text = report_text(LONG_VALUES["problem"], "W" * 200, "G-WWWWW", expected)
    assert parse_tweet(text).weightedLength <= 280 and "G-WWWWW" in text and expected in text
    for status in ("waiting", "assigned", "resolved"):
        for department in DEPARTMENT_LABELS:
            text = status_text(
                {
                    "reference": "G-WWWWW",
                    "status": status,
                    "department": department,
                    "updated_at": "2025-12-31T23:00:00+00:00",
                }
            )
            assert parse_tweet(text).weightedLength <= 280


def test_truncate_and_payload_guard() -> None:
    long_text = "Voici une très longue réponse. " * 30
    cut = truncate(long_text)
    assert weighted_length(cut) <= 280 and cut.endswith("…")
    assert make_payload(long_text, "info")["text"] == cut
    assert weighted_length(truncate("😀" * 300)) <= 280
    with pytest.raises(ValueError):
        make_payload("x", "unknown-kind")
