from __future__ import annotations

import httpx

from actions.handoff import ActionHandoff, handoff_text
from actions.insult import ActionHandleInsult
from tests.actions.helpers import FakeApp, handoff_created, make_tracker, run_action, slot_events, user_event

HANDOFFS = "POST /api/internal/handoffs"


def test_request_human_hands_over_at_once(app: FakeApp) -> None:
    app.route(HANDOFFS, status=201, body=handoff_created(department="sports", handoff_id=7))
    tracker = make_tracker(
        "je veux parler à un agent",
        intent="request_human",
        history=["horaires piscine ?"],
        slots={"topic_department": "sports", "last_faq_id": "piscines-horaires"},
    )
    payloads, events = run_action(ActionHandoff(), tracker)

    body = app.bodies(HANDOFFS)[0]
    assert body["conversation_id"] == "conv-42"
    assert body["reason"] == "request_human"
    assert body["department"] == "sports"
    assert "horaires piscine ?" in body["summary"] and "je veux parler à un agent" in body["summary"]
    assert body["details"] == {"channel": "webchat", "question": "horaires piscine ?",
                               "last_faq_id": "piscines-horaires"}
    assert payloads == [
        {
            "text": "Je vous mets en relation avec un agent de la Ville. "
            "Un agent vous répondra aujourd'hui avant 18 h. Votre référence : G-7K3Q9.",
            "kind": "handoff",
            "faq_id": None,
            "suggestions": [],
            "handoff": {"department": "sports", "reason": "request_human", "reference": "G-7K3Q9", "handoff_id": 7},
        }
    ]
    assert events == []


def test_an_existing_open_handoff_is_returned_as_is(app: FakeApp) -> None:
    app.route(HANDOFFS, status=200, body=handoff_created(reference="G-AAAA1", handoff_id=3))
    payloads, _ = run_action(ActionHandoff(), make_tracker("agent", intent="request_human"))
    assert payloads[0]["handoff"]["reference"] == "G-AAAA1"
    assert "G-AAAA1" in payloads[0]["text"]


def test_request_human_empties_form_slots(app: FakeApp) -> None:
    app.route(HANDOFFS, status=201, body=handoff_created())
    tracker = make_tracker("un humain svp", intent="request_human", slots={"problem_type": "graffiti"})
    _, events = run_action(ActionHandoff(), tracker)
    assert slot_events(events) == {"problem_type": None}


def test_request_human_with_the_api_down(app: FakeApp) -> None:
    app.fail(HANDOFFS, httpx.ConnectError("refused"))
    payloads, _ = run_action(ActionHandoff(), make_tracker("agent", intent="request_human"))
    assert payloads[0]["kind"] == "handoff"
    assert payloads[0]["text"].startswith("Désolé, je rencontre un problème technique.")
    assert payloads[0]["handoff"] == {
        "department": None,
        "reason": "request_human",
        "reference": None,
        "handoff_id": None,
    }


def test_handoff_text_keeps_the_reference_when_expected_is_very_long() -> None:
    from twitter_text import parse_tweet

    text = handoff_text(
        "Je vous mets en relation avec un agent de la Ville.", "Un agent vous répondra " * 30, "G-7K3Q9"
    )
    assert parse_tweet(text).weightedLength <= 280
    assert text.endswith("Votre référence : G-7K3Q9.")


def test_first_insult_gets_a_calm_reply(app: FakeApp) -> None:
    payloads, events = run_action(ActionHandleInsult(), make_tracker("t'es nul", intent="insult"))
    assert payloads[0]["kind"] == "smalltalk"
    assert payloads[0]["text"].startswith("Je comprends que vous soyez agacé.")
    assert "agent" in payloads[0]["text"]
    assert slot_events(events) == {"insult_count": 1.0}
    assert app.requests == []


def test_second_insult_hands_over(app: FakeApp) -> None:
    app.route(HANDOFFS, status=201, body=handoff_created())
    tracker = make_tracker("bande de nuls", intent="insult", history=["t'es nul"], slots={"insult_count": 1.0})
    payloads, events = run_action(ActionHandleInsult(), tracker)
    body = app.bodies(HANDOFFS)[0]
    assert body["reason"] == "insult" and body["department"] is None
    assert payloads[0]["kind"] == "handoff"
    assert payloads[0]["handoff"]["reason"] == "insult"
    assert payloads[0]["handoff"]["reference"] == "G-7K3Q9"
    assert slot_events(events)["insult_count"] == 2.0


def test_second_insult_during_a_form_closes_the_form(app: FakeApp) -> None:
    app.route(HANDOFFS, status=201, body=handoff_created())
    tracker = make_tracker(
        "connard",
        intent="insult",
        slots={"insult_count": 1.0, "problem_type": "lampadaire"},
        active_loop="report_form",
    )
    _, events = run_action(ActionHandleInsult(), tracker)
    assert {"event": "active_loop", "name": None} in [
        {"event": e["event"], "name": e.get("name")} for e in events if e["event"] == "active_loop"
    ]
    assert slot_events(events)["problem_type"] is None


def test_an_intent_sent_as_such_is_not_quoted_in_the_summary(app: FakeApp) -> None:
    app.route(HANDOFFS, status=201, body=handoff_created(department="sports", handoff_id=8))
    tracker = make_tracker("/request_human", intent="request_human", history=["horaires piscine ?", "non"],
                           slots={"topic_department": "sports"})
    run_action(ActionHandoff(), tracker)
    summary = app.bodies(HANDOFFS)[0]["summary"]
    assert "« horaires piscine ? » / « non »" in summary and "/request_human" not in summary


def test_a_question_read_as_a_report_is_the_question_of_the_handoff(app: FakeApp) -> None:
    """The form asked where, the citizen asked for a person: the handoff names the question, not the form's answer
    nor "je voudrais parler à une personne" (what the agent's suggestions and the training inbox are made of)."""
    app.route(HANDOFFS, status=201, body=handoff_created(handoff_id=9))
    tracker = make_tracker("je voudrais parler à une personne", intent="request_human", earlier_events=[
        user_event("bonjour", "greet"),
        user_event("ma caisse de retraite me demande un certificat de vie", "report_problem"),
        {"event": "active_loop", "name": "report_form"},
        user_event("rue de la Paix", "report_problem"),
    ], active_loop="report_form")
    run_action(ActionHandoff(), tracker)
    assert app.bodies(HANDOFFS)[0]["details"]["question"] == "ma caisse de retraite me demande un certificat de vie"


def test_a_question_asked_after_a_form_closed_is_the_latest(app: FakeApp) -> None:
    app.route(HANDOFFS, status=201, body=handoff_created(handoff_id=10))
    tracker = make_tracker("un agent svp", intent="request_human", earlier_events=[
        user_event("un lampadaire est en panne", "report_problem"),
        {"event": "active_loop", "name": "report_form"},
        user_event("place de la Mairie", "report_problem"),
        {"event": "active_loop", "name": None},
        user_event("merci", "thank"),
        user_event("et la mairie est ouverte le samedi ?", "ask_question"),
        user_event("non", "deny"),
    ])
    run_action(ActionHandoff(), tracker)
    assert app.bodies(HANDOFFS)[0]["details"]["question"] == "et la mairie est ouverte le samedi ?"


def test_no_question_names_none(app: FakeApp) -> None:
    app.route(HANDOFFS, status=201, body=handoff_created(handoff_id=11))
    tracker = make_tracker("je veux parler à quelqu'un", intent="request_human",
                           earlier_events=[user_event("bonjour", "greet"),
                                           user_event("/request_human", "request_human")])
    run_action(ActionHandoff(), tracker)
    assert app.bodies(HANDOFFS)[0]["details"] == {"channel": "webchat", "last_faq_id": None}
