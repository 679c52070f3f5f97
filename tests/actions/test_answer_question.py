from __future__ import annotations

import httpx
import pytest

from actions.answer_question import ActionAnswerQuestion
from tests.actions.helpers import HITS, FakeApp, handoff_created, make_tracker, run_action, slot_events

SEARCH = "POST /api/kb/search"
HANDOFFS = "POST /api/internal/handoffs"


def pending_slots(query: str = "piscine") -> dict:
    return {"clarify_options": {"query": query, "options": HITS}, "pending_choice": True}


def test_answer_appends_the_link_and_sets_the_topic(app: FakeApp) -> None:
    app.route(SEARCH, body={"query": "x", "decision": "answer", "hits": HITS[:1]})
    payloads, events = run_action(ActionAnswerQuestion(), make_tracker("horaires piscine dimanche ?"))

    assert payloads == [
        {
            "text": "Les piscines sont ouvertes du mardi au dimanche de 9 h à 19 h. https://www.ville-guichet.fr/piscines",
            "kind": "answer",
            "faq_id": "piscines-horaires",
            "suggestions": [],
            "handoff": None,
        }
    ]
    assert slot_events(events) == {"last_faq_id": "piscines-horaires", "topic_department": "sports"}
    request = app.requests[0]
    assert request.headers["Authorization"] == "Bearer service-token"
    assert app.bodies(SEARCH) == [{"text": "horaires piscine dimanche ?", "top_k": 3, "conversation_id": "conv-42"}]


def test_answer_does_not_repeat_a_link_already_in_the_text(app: FakeApp) -> None:
    hit = dict(HITS[0], answer="Horaires : https://www.ville-guichet.fr/piscines (mis à jour chaque mois).")
    app.route(SEARCH, body={"query": "x", "decision": "answer", "hits": [hit]})
    payloads, _ = run_action(ActionAnswerQuestion(), make_tracker("horaires piscine"))
    assert payloads[0]["text"].count("https://www.ville-guichet.fr/piscines") == 1


def test_long_answer_is_cut_and_keeps_the_link(app: FakeApp) -> None:
    hit = dict(HITS[0], answer="Les piscines municipales sont ouvertes tous les jours. " * 12)
    app.route(SEARCH, body={"query": "x", "decision": "answer", "hits": [hit]})
    payloads, _ = run_action(ActionAnswerQuestion(), make_tracker("horaires piscine"))
    text = payloads[0]["text"]
    assert text.endswith("… https://www.ville-guichet.fr/piscines")
    from twitter_text import parse_tweet

    assert parse_tweet(text).weightedLength <= 280


def test_mentions_and_hashtag_signs_are_removed_from_the_search(app: FakeApp) -> None:
    app.route(SEARCH, body={"query": "x", "decision": "answer", "hits": HITS[:1]})
    run_action(ActionAnswerQuestion(), make_tracker("@VilleDeGuichet la #piscine est ouverte ? https://t.co/x"))
    assert app.bodies(SEARCH)[0]["text"] == "la piscine est ouverte ?"


def test_clarify_lists_three_options_and_remembers_them(app: FakeApp) -> None:
    app.route(SEARCH, body={"query": "piscine", "decision": "clarify", "hits": HITS})
    payloads, events = run_action(ActionAnswerQuestion(), make_tracker("piscine"))

    assert payloads[0]["text"] == (
        "Je ne suis pas sûr d'avoir compris. Voulez-vous parler de : "
        "1. Quels sont les horaires des piscines "
        "2. Quels sont les tarifs des piscines "
        "3. Comment s'inscrire aux cours de natation ? "
        "Répondez par le numéro, ou « aucun »."
    )
    assert payloads[0]["kind"] == "clarify"
    assert payloads[0]["faq_id"] is None and payloads[0]["handoff"] is None
    assert payloads[0]["suggestions"] == [{"faq_id": hit["id"], "question": hit["question"]} for hit in HITS]
    slots = slot_events(events)
    assert slots["pending_choice"] is True
    assert slots["clarify_options"] == {"query": "piscine", "options": HITS}


def test_clarify_with_long_questions_fits_in_280(app: FakeApp) -> None:
    long_hits = [dict(hit, question=hit["question"] * 4) for hit in HITS]
    app.route(SEARCH, body={"query": "x", "decision": "clarify", "hits": long_hits})
    payloads, _ = run_action(ActionAnswerQuestion(), make_tracker("piscine"))
    from twitter_text import parse_tweet

    text = payloads[0]["text"]
    assert parse_tweet(text).weightedLength <= 280
    assert text.startswith("Je ne suis pas sûr d'avoir compris. Voulez-vous parler de : 1. ")
    assert " 2. " in text and " 3. " in text and text.endswith("Répondez par le numéro, ou « aucun ».")


@pytest.mark.parametrize(
    ("text", "intent", "faq_id"),
    [
        ("2", "choose_option", "piscines-tarifs"),
        ("le 1", "choose_option", "piscines-horaires"),
        ("la troisième", "choose_option", "natation-cours"),
        ("je prends le 2 svp", "choose_option", "piscines-tarifs"),
        ("le dernier", "choose_option", "natation-cours"),
    ],
)
def test_pick_by_number(app: FakeApp, text: str, intent: str, faq_id: str) -> None:
    payloads, events = run_action(ActionAnswerQuestion(), make_tracker(text, intent=intent, slots=pending_slots()))
    assert payloads[0]["kind"] == "answer"
    assert payloads[0]["faq_id"] == faq_id
    assert app.requests == []  # answered from the remembered options
    slots = slot_events(events)
    assert slots["pending_choice"] is None and slots["clarify_options"] is None
    assert slots["last_faq_id"] == faq_id


def test_pick_by_words(app: FakeApp) -> None:
    payloads, _ = run_action(
        ActionAnswerQuestion(), make_tracker("les tarifs", intent="ask_question", slots=pending_slots())
    )
    assert payloads[0]["faq_id"] == "piscines-tarifs"
    assert payloads[0]["text"].startswith("L'entrée coûte 3 €")


@pytest.mark.parametrize(("text", "intent"), [("aucun", "deny"), ("non", "deny"), ("aucune", "nlu_fallback")])
def test_none_fits_hands_over(app: FakeApp, text: str, intent: str) -> None:
    app.route(HANDOFFS, status=201, body=handoff_created())
    payloads, events = run_action(ActionAnswerQuestion(), make_tracker(text, intent=intent, slots=pending_slots()))

    body = app.bodies(HANDOFFS)[0]
    assert body["reason"] == "unanswered"
    assert body["department"] is None
    assert body["conversation_id"] == "conv-42"
    assert "piscine" in body["summary"]
    assert body["details"]["proposed"] == [hit["id"] for hit in HITS]
    assert payloads == [
        {
            "text": "Je n'ai pas de réponse sûre à votre question : je la transmets à un agent de la Ville. "
            "Un agent vous répondra aujourd'hui avant 18 h. Votre référence : G-7K3Q9.",
            "kind": "handoff",
            "faq_id": None,
            "suggestions": [],
            "handoff": {"department": None, "reason": "unanswered", "reference": "G-7K3Q9", "handoff_id": 12},
        }
    ]
    assert slot_events(events) == {"clarify_options": None, "pending_choice": None}


def test_something_else_after_a_clarification_is_a_new_question(app: FakeApp) -> None:
    app.route(SEARCH, body={"query": "x", "decision": "answer", "hits": [dict(HITS[0], id="bibliotheques-horaires")]})
    payloads, events = run_action(ActionAnswerQuestion(), make_tracker("et la médiathèque ?", slots=pending_slots()))
    assert app.bodies(SEARCH)[0]["text"] == "et la médiathèque ?"
    assert payloads[0]["faq_id"] == "bibliotheques-horaires"
    assert slot_events(events)["pending_choice"] is None


def test_a_number_without_a_list(app: FakeApp) -> None:
    payloads, events = run_action(ActionAnswerQuestion(), make_tracker("2", intent="choose_option"))
    assert payloads[0]["kind"] == "smalltalk"
    assert "pas de liste" in payloads[0]["text"]
    assert app.requests == [] and events == []


def test_handoff_decision_goes_to_the_relevant_department(app: FakeApp) -> None:
    hit = dict(HITS[0], score=0.55, department="urbanisme")
    app.route(SEARCH, body={"query": "x", "decision": "handoff", "hits": [hit]})
    app.route(HANDOFFS, status=201, body=handoff_created(department="urbanisme"))
    payloads, _ = run_action(ActionAnswerQuestion(), make_tracker("ma véranda dépasse de 2 m, c'est grave ?"))

    body = app.bodies(HANDOFFS)[0]
    assert body["reason"] == "unanswered"
    assert body["department"] == "urbanisme"
    assert payloads[0]["kind"] == "handoff"
    assert payloads[0]["handoff"] == {
        "department": "urbanisme",
        "reason": "unanswered",
        "reference": "G-7K3Q9",
        "handoff_id": 12,
    }
    assert "Un agent vous répondra aujourd'hui avant 18 h." in payloads[0]["text"]
    assert "G-7K3Q9" in payloads[0]["text"]


def test_handoff_decision_with_an_irrelevant_hit_has_no_department(app: FakeApp) -> None:
    app.route(SEARCH, body={"query": "x", "decision": "handoff", "hits": [dict(HITS[0], score=0.1)]})
    app.route(HANDOFFS, status=201, body=handoff_created())
    run_action(ActionAnswerQuestion(), make_tracker("blablabla"))
    assert app.bodies(HANDOFFS)[0]["department"] is None


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), None],
)
def test_api_down_apologizes_and_hands_over(app: FakeApp, failure: Exception | None) -> None:
    if failure is None:
        app.route(SEARCH, status=500, body={"detail": "boom"})
    else:
        app.fail(SEARCH, failure)
    payloads, events = run_action(ActionAnswerQuestion(), make_tracker("horaires piscine"))
    assert payloads == [
        {
            "text": "Désolé, je rencontre un problème technique. Je transmets votre message à un agent "
            "de la Ville, qui vous répondra ici dès que possible.",
            "kind": "handoff",
            "faq_id": None,
            "suggestions": [],
            "handoff": {"department": None, "reason": "error", "reference": None, "handoff_id": None},
        }
    ]
    assert events == []


def test_handoff_creation_failing_still_replies(app: FakeApp) -> None:
    app.route(SEARCH, body={"query": "x", "decision": "handoff", "hits": []})
    app.route(HANDOFFS, status=503, body={"detail": "down"})
    payloads, _ = run_action(ActionAnswerQuestion(), make_tracker("question bizarre"))
    assert payloads[0]["kind"] == "handoff"
    assert payloads[0]["handoff"]["reference"] is None
    assert payloads[0]["handoff"]["reason"] == "unanswered"


@pytest.mark.parametrize(
    ("text", "expected_start"),
    [
        ("", "Bonjour ! Je suis l'assistant automatique de la Ville."),
        ("   ", "Bonjour ! Je suis l'assistant automatique de la Ville."),
        ("@VilleDeGuichet", "Bonjour ! Je suis l'assistant automatique de la Ville."),
        ("😡😡😡", "Je n'ai pas bien compris votre message."),
        ("???", "Je n'ai pas bien compris votre message."),
        ("https://exemple.fr/photo.jpg", "Merci pour le lien, mais je ne peux pas l'ouvrir."),
    ],
)
def test_messages_without_words_get_a_prompt(app: FakeApp, text: str, expected_start: str) -> None:
    payloads, _ = run_action(ActionAnswerQuestion(), make_tracker(text, intent="nlu_fallback"))
    assert len(payloads) == 1
    assert payloads[0]["kind"] == "smalltalk"
    assert payloads[0]["text"].startswith(expected_start)
    assert app.requests == []


def test_a_very_long_message_goes_to_a_person(app: FakeApp) -> None:
    app.route(HANDOFFS, status=201, body=handoff_created())
    text = "Bonjour, je vous écris au sujet de ma situation. " * 100  # about 5,000 characters
    payloads, _ = run_action(ActionAnswerQuestion(), make_tracker(text, intent="nlu_fallback"))
    body = app.bodies(HANDOFFS)[0]
    assert body["reason"] == "question"
    assert len(body["summary"]) <= 500
    assert payloads[0]["kind"] == "handoff"
    assert payloads[0]["handoff"]["reference"] == "G-7K3Q9"
    assert not any(r.url.path == "/api/kb/search" for r in app.requests)


def test_during_a_form_an_unclear_question_gets_the_best_answer(app: FakeApp) -> None:
    app.route(SEARCH, body={"query": "piscine", "decision": "clarify", "hits": HITS})
    tracker = make_tracker("la piscine ?", slots={"requested_slot": "place"}, active_loop="report_form")
    payloads, events = run_action(ActionAnswerQuestion(), tracker)
    assert payloads[0]["kind"] == "answer" and payloads[0]["faq_id"] == "piscines-horaires"
    assert [s["faq_id"] for s in payloads[0]["suggestions"]] == ["piscines-tarifs", "natation-cours"]
    assert "pending_choice" not in slot_events(events)


def test_during_a_form_no_handoff_for_an_unanswered_question(app: FakeApp) -> None:
    app.route(SEARCH, body={"query": "x", "decision": "handoff", "hits": []})
    tracker = make_tracker("et les impôts ?", slots={"requested_slot": "place"}, active_loop="report_form")
    payloads, _ = run_action(ActionAnswerQuestion(), tracker)
    assert payloads[0]["kind"] == "info"
    assert payloads[0]["text"].startswith("Je n'ai pas de réponse sûre à cette question.")
    assert not any(r.url.path == HANDOFFS.split(" ")[1] for r in app.requests)
