from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Action

from actions.cancel_form import ActionCancelForm
from actions.choices import NONE_FITS, parse_choice
from actions.fallback import ActionDefaultFallback
from actions.form_questions import ActionAskPlace, ActionAskProblemDetails, ActionAskProblemType, ActionAskReference
from tests.actions.helpers import HITS, make_tracker, run_action, slot_events


@pytest.mark.parametrize(
    ("action", "start"),
    [
        (ActionAskProblemType(), "Quel est le problème ?"),
        (ActionAskPlace(), "Où se trouve le problème ?"),
        (ActionAskProblemDetails(), "Voulez-vous ajouter un détail ? Sinon répondez non."),
        (ActionAskReference(), "Quel est le numéro de votre demande ?"),
    ],
)
def test_form_questions_are_kind_form(action: Action, start: str) -> None:
    payloads, events = run_action(action, make_tracker("x"))
    assert payloads[0]["kind"] == "form" and payloads[0]["text"].startswith(start)
    assert events == []


def test_cancel_report() -> None:
    tracker = make_tracker(
        "non laissez tomber",
        intent="deny",
        slots={"problem_type": "graffiti"},
        extra_events=[{"event": "active_loop", "name": "report_form"}, {"event": "active_loop", "name": None}],
    )
    payloads, events = run_action(ActionCancelForm(), tracker)
    assert payloads[0]["text"].startswith("D'accord, j'annule ce signalement.")
    assert payloads[0]["kind"] == "smalltalk"
    assert slot_events(events) == {"problem_type": None}


def test_cancel_status_and_goodbye() -> None:
    loop: list[dict[str, Any]] = [
        {"event": "active_loop", "name": "status_form"}, {"event": "active_loop", "name": None}]
    payloads, _ = run_action(ActionCancelForm(), make_tracker("je l'ai pas", intent="deny", extra_events=loop))
    assert payloads[0]["text"].startswith("D'accord. Sans numéro")
    payloads, _ = run_action(ActionCancelForm(), make_tracker("bye", intent="goodbye", extra_events=loop))
    assert payloads[0]["text"].startswith("Au revoir")


def test_default_fallback_invites_to_rephrase() -> None:
    payloads, events = run_action(ActionDefaultFallback(), make_tracker("zzz"))
    assert payloads[0]["kind"] == "smalltalk" and "agent" in payloads[0]["text"]
    assert events == [{"event": "rewind", "timestamp": None}]


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("1", "choose_option", 0),
        ("la 2", "choose_option", 1),
        ("la deuxième", "choose_option", 1),
        ("le 3 svp", "choose_option", 2),
        ("c'est la première", "choose_option", 0),
        ("aucun", "deny", NONE_FITS),
        ("aucune des trois", "deny", NONE_FITS),
        ("non", "deny", NONE_FITS),
        ("ni l'un ni l'autre", "deny", NONE_FITS),
        ("pas ça", "nlu_fallback", NONE_FITS),
        ("les tarifs", "ask_question", 1),
        ("cours de natation", "ask_question", 2),
        ("piscine", "ask_question", None),  # all three mention it: no decision
        ("un problème de stationnement", "ask_question", None),
        ("4", "choose_option", None),  # only three options
    ],
)
def test_parse_choice(text: str, intent: str, expected: object) -> None:
    assert parse_choice(text, HITS, intent) == expected
