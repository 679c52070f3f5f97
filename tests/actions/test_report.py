from __future__ import annotations

import asyncio

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.problem_types import PROBLEM_TYPES, canonical_problem, department_for
from actions.report import ActionSubmitReport, ValidateReportForm
from tests.actions.helpers import DOMAIN, FakeApp, handoff_created, make_tracker, run_action, slot_events

HANDOFFS = "POST /api/internal/handoffs"


def validate(
    text: str,
    candidates: dict,
    *,
    requested: str,
    entities: list | None = None,
    slots: dict | None = None,
    before: dict | None = None,
) -> tuple[dict, list[dict]]:
    """Run validate_report_form as Rasa does: slot candidates are the last events."""
    tracker = make_tracker(
        text,
        intent="report_problem",
        entities=entities,
        slots={"requested_slot": requested, **(slots or {}), **candidates},
        before=before,
        extra_events=[{"event": "slot", "name": name, "value": value} for name, value in candidates.items()],
        active_loop="report_form",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateReportForm().run(dispatcher, tracker, DOMAIN))
    return slot_events(events), [m["custom"] for m in dispatcher.messages]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("lampadaire", "lampadaire"),
        ("réverbère", "lampadaire"),
        ("Le LAMPADAIRE reste allumé", "lampadaire"),
        ("un gros nid-de-poule", "nid_de_poule"),
        ("des tags sur le mur", "graffiti"),
        ("les poubelles débordent", "poubelle"),
        ("feu rouge en panne", "feu_tricolore"),
        ("un banc cassé", "un banc cassé"),  # not in the list: the citizen's words are kept
    ],
)
def test_problem_type_is_normalised(value: str, expected: str) -> None:
    slots, messages = validate(value, {"problem_type": value}, requested="problem_type")
    assert slots["problem_type"] == expected
    assert messages == []


@pytest.mark.parametrize("value", ["oui", "ok", "🙄", "?"])
def test_problem_type_that_says_nothing_is_asked_again(value: str) -> None:
    slots, messages = validate(value, {"problem_type": value}, requested="problem_type")
    assert slots["problem_type"] is None
    assert messages[0]["kind"] == "form"
    assert messages[0]["text"].startswith("Je n'ai pas compris le problème.")


def test_place_is_kept_and_nonsense_rejected() -> None:
    slots, _ = validate(
        "12 rue des Lilas",
        {"place": "12 rue des Lilas"},
        requested="place",
        entities=[{"entity": "place", "value": "12 rue des Lilas"}],
    )
    assert slots["place"] == "12 rue des Lilas"
    slots, messages = validate("ok", {"place": "ok"}, requested="place")
    assert slots["place"] is None
    assert messages[0]["text"].startswith("Je n'ai pas compris l'endroit.")


def test_correcting_the_problem_while_asked_for_the_place() -> None:
    text = "ah non c'est un nid de poule"
    slots, messages = validate(
        text,
        {"problem_type": "nid_de_poule", "place": text},
        requested="place",
        entities=[{"entity": "problem_type", "value": "nid_de_poule"}],
        slots={"problem_type": "lampadaire"},
    )
    assert slots["problem_type"] == "nid_de_poule"
    assert slots["place"] is None  # still to be asked
    assert messages[0]["text"] == "C'est corrigé : nid-de-poule."


def test_correcting_the_place_while_asked_for_details() -> None:
    text = "en fait c'est au 14 rue des Lilas"
    slots, messages = validate(
        text,
        {"place": "14 rue des Lilas", "problem_details": text},
        requested="problem_details",
        entities=[{"entity": "place", "value": "14 rue des Lilas"}],
        slots={"problem_type": "lampadaire"},
    )
    assert slots["place"] == "14 rue des Lilas"
    assert slots["problem_details"] is None
    assert messages[0]["text"] == "C'est corrigé : lampadaire, 14 rue des Lilas."


@pytest.mark.parametrize(
    ("value", "expected"),
    [("aucun", "aucun"), ("non merci", "aucun"), ("rien", "aucun"), ("il clignote la nuit", "il clignote la nuit")],
)
def test_details(value: str, expected: str) -> None:
    slots, _ = validate(value, {"problem_details": value}, requested="problem_details")
    assert slots["problem_details"] == expected


def test_yes_to_details_asks_for_the_detail() -> None:
    slots, messages = validate("oui", {"problem_details": "oui"}, requested="problem_details")
    assert slots["problem_details"] is None
    assert messages[0]["kind"] == "form"


def report_tracker(problem: str = "lampadaire", place: str = "12 rue des Lilas", details: str = "aucun") -> Tracker:
    return make_tracker(
        "non",
        intent="deny",
        history=["le lampadaire devant le 12 rue des Lilas reste allumé"],
        slots={"problem_type": problem, "place": place, "problem_details": details},
    )


def test_submit_creates_the_handoff_and_gives_the_reference(app: FakeApp) -> None:
    app.route(HANDOFFS, status=201, body=handoff_created(reference="G-4RT6Y", department="eclairage", handoff_id=31))
    payloads, events = run_action(ActionSubmitReport(), report_tracker())

    body = app.bodies(HANDOFFS)[0]
    assert body["reason"] == "report_problem"
    assert body["department"] == "eclairage"
    assert body["conversation_id"] == "conv-42"
    assert body["summary"] == "Signalement : lampadaire – 12 rue des Lilas"
    assert body["details"]["problem_type"] == "lampadaire"
    assert body["details"]["place"] == "12 rue des Lilas"
    assert body["details"]["details"] is None
    assert payloads == [
        {
            "text": "Merci, votre signalement est enregistré (lampadaire, 12 rue des Lilas). "
            "Votre numéro de suivi : G-4RT6Y. Un agent vous répondra aujourd'hui avant 18 h.",
            "kind": "handoff",
            "faq_id": None,
            "suggestions": [],
            "handoff": {
                "department": "eclairage",
                "reason": "report_problem",
                "reference": "G-4RT6Y",
                "handoff_id": 31,
            },
        }
    ]
    assert slot_events(events) == {"problem_type": None, "place": None, "problem_details": None}


def test_submit_with_details_and_free_text_problem(app: FakeApp) -> None:
    app.route(HANDOFFS, status=201, body=handoff_created())
    run_action(ActionSubmitReport(), report_tracker(problem="un banc cassé", details="il manque deux planches"))
    body = app.bodies(HANDOFFS)[0]
    assert body["department"] == "accueil"
    assert body["summary"] == "Signalement : un banc cassé – 12 rue des Lilas – il manque deux planches"
    assert body["details"]["problem_type"] == "autre"


def test_submit_with_a_very_long_place_fits_in_280(app: FakeApp) -> None:
    from twitter_text import parse_tweet

    app.route(HANDOFFS, status=201, body=handoff_created())
    payloads, _ = run_action(ActionSubmitReport(), report_tracker(place="en face du " * 40))
    assert parse_tweet(payloads[0]["text"]).weightedLength <= 280
    assert "G-7K3Q9" in payloads[0]["text"]


def test_submit_with_the_api_down(app: FakeApp) -> None:
    app.fail(HANDOFFS, httpx.ReadTimeout("slow"))
    payloads, events = run_action(ActionSubmitReport(), report_tracker(problem="graffiti"))
    assert payloads == [
        {
            "text": "Désolé, je n'arrive pas à enregistrer votre signalement pour le moment. Je le transmets "
            "à un agent de la Ville, qui vous répondra ici dès que possible.",
            "kind": "handoff",
            "faq_id": None,
            "suggestions": [],
            "handoff": {"department": "proprete", "reason": "report_problem", "reference": None, "handoff_id": None},
        }
    ]
    assert slot_events(events)["problem_type"] is None


@pytest.mark.parametrize(
    ("problem", "department"),
    [
        ("lampadaire", "eclairage"),
        ("nid_de_poule", "voirie"),
        ("trottoir", "voirie"),
        ("feu_tricolore", "voirie"),
        ("panneau", "voirie"),
        ("depot_sauvage", "proprete"),
        ("dechets", "proprete"),
        ("graffiti", "proprete"),
        ("poubelle", "proprete"),
        ("dejection_canine", "proprete"),
        ("piste_cyclable", "mobilites"),
        ("station_velo", "mobilites"),
        ("bruit", "bruit"),
        ("arbre", "accueil"),
        ("aire_de_jeux", "accueil"),
        ("n'importe quoi", "accueil"),
    ],
)
def test_departments_follow_the_architecture(problem: str, department: str) -> None:
    assert department_for(problem) == department


def test_every_nlu_synonym_is_a_known_problem_type() -> None:
    import yaml

    from tests.actions.helpers import ROOT

    data = yaml.safe_load((ROOT / "data" / "nlu" / "lookups.yml").read_text(encoding="utf-8"))
    synonyms = [item for item in data["nlu"] if "synonym" in item]
    assert synonyms
    for item in synonyms:
        assert item["synonym"] in PROBLEM_TYPES
        for line in item["examples"].splitlines():
            word = line.strip().removeprefix("- ").strip()
            if word:
                assert canonical_problem(word) == item["synonym"], word


def test_correction_naming_both_problems_keeps_the_one_not_negated() -> None:
    text = "pardon, c'est un nid de poule pas un lampadaire"
    entities = [
        {"entity": "problem_type", "value": "nid_de_poule", "start": 17, "end": 29},
        {"entity": "problem_type", "value": "lampadaire", "start": 37, "end": 47},
    ]
    slots, _ = validate(text, {"problem_type": "lampadaire"}, requested="place", entities=entities)
    assert slots["problem_type"] == "nid_de_poule"
    text = "pas un lampadaire mais un trou"
    entities = [
        {"entity": "problem_type", "value": "lampadaire", "start": 7, "end": 17},
        {"entity": "problem_type", "value": "nid_de_poule", "start": 26, "end": 30},
    ]
    slots, _ = validate(text, {"problem_type": "nid_de_poule"}, requested="place", entities=entities)
    assert slots["problem_type"] == "nid_de_poule"


def run_form(text: str, intent: str, requested: str) -> dict:
    tracker = make_tracker(text, intent=intent, slots={"requested_slot": requested}, active_loop="report_form")
    dispatcher = CollectingDispatcher()
    return slot_events(asyncio.run(ValidateReportForm().run(dispatcher, tracker, DOMAIN)))


def test_an_answer_labelled_as_a_question_is_still_the_answer() -> None:
    assert run_form("à côté de la piscine municipale", "ask_question", "place") == {
        "place": "à côté de la piscine municipale"
    }
    assert run_form("un arbre tombé", "ask_question", "problem_type") == {"problem_type": "arbre"}


@pytest.mark.parametrize("text", ["la piscine est ouverte le dimanche ?", "quand passent les encombrants"])
def test_a_real_question_during_the_form_is_left_to_the_digression(text: str) -> None:
    assert run_form(text, "ask_question", "place") == {}


def test_a_form_forgets_a_pending_clarification() -> None:
    tracker = make_tracker(
        "un lampadaire",
        intent="report_problem",
        slots={"requested_slot": "problem_type", "pending_choice": True, "clarify_options": {"options": []}},
        active_loop="report_form",
    )
    events = asyncio.run(ValidateReportForm().run(CollectingDispatcher(), tracker, DOMAIN))
    assert slot_events(events) == {"clarify_options": None, "pending_choice": None}


def test_a_stray_entity_does_not_beat_a_known_problem() -> None:
    text = "je veux signaler un nid de poule rue Pasteur"
    entities = [
        {"entity": "problem_type", "value": "veux", "start": 3, "end": 7},
        {"entity": "problem_type", "value": "nid_de_poule", "start": 20, "end": 32},
    ]
    slots, _ = validate(text, {"problem_type": "nid_de_poule"}, requested="problem_type", entities=entities)
    assert slots["problem_type"] == "nid_de_poule"


def test_a_number_is_not_a_place() -> None:
    tracker = make_tracker(
        "le 2",
        intent="choose_option",
        slots={"requested_slot": "place", "place": "le 2"},
        extra_events=[{"event": "slot", "name": "place", "value": "le 2"}],
        active_loop="report_form",
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ValidateReportForm().run(dispatcher, tracker, DOMAIN))
    assert slot_events(events)["place"] is None


def test_a_detail_with_a_stray_problem_word_keeps_the_problem() -> None:
    text = "c'est juste devant le passage piéton"
    slots, messages = validate(
        text,
        {"problem_type": "juste", "problem_details": text},
        requested="problem_details",
        entities=[{"entity": "problem_type", "value": "juste", "start": 5, "end": 10}],
        before={"problem_type": "lampadaire", "place": "12 rue des Lilas"},
    )
    assert slots["problem_type"] == "lampadaire"
    assert slots["problem_details"] == text
    assert messages == []


def test_a_place_in_a_detail_is_not_a_correction_unless_said_so() -> None:
    before = {"problem_type": "lampadaire", "place": "12 rue des Lilas"}
    text = "il éclaire mal le 14 rue des Lilas aussi"
    entity = [{"entity": "place", "value": "14 rue des Lilas", "start": 18, "end": 34}]
    slots, messages = validate(
        text,
        {"place": "14 rue des Lilas", "problem_details": text},
        requested="problem_details",
        entities=entity,
        before=before,
    )
    assert slots["place"] == "12 rue des Lilas" and slots["problem_details"] == text and messages == []

    text = "en fait c'est au 14 rue des Lilas"
    slots, messages = validate(
        text,
        {"place": "14 rue des Lilas", "problem_details": text},
        requested="problem_details",
        entities=entity,
        before=before,
    )
    assert slots["place"] == "14 rue des Lilas" and slots["problem_details"] is None
    assert messages[0]["text"] == "C'est corrigé : lampadaire, 14 rue des Lilas."


def test_a_known_problem_corrects_the_previous_one_at_any_step() -> None:
    text = "pardon, c'est un nid de poule"
    slots, messages = validate(
        text,
        {"problem_type": "nid_de_poule", "problem_details": text},
        requested="problem_details",
        entities=[{"entity": "problem_type", "value": "nid_de_poule", "start": 17, "end": 29}],
        before={"problem_type": "lampadaire", "place": "12 rue des Lilas"},
    )
    assert slots["problem_type"] == "nid_de_poule" and slots["problem_details"] is None
    assert messages[0]["text"] == "C'est corrigé : nid-de-poule, 12 rue des Lilas."
