"""Feedback through the real Rasa server and action server: a « Non » on an automatic answer, given by the web
chat's button or as a short reply, hands over through the assistant's own "a person, please" turn, to the
department of the answered entry; the feedback is stored with the search that produced the answer."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from guichet.db import make_engine, make_session_factory
from guichet.models import Feedback, Handoff, SearchLog
from handoff_api.stack import Stack
from tests.e2e.test_walking_skeleton import open_conversation, say

POOL = "c'est ouvert jusqu'à quelle heure la piscine le week-end ?"


def stored(stack: Stack, conversation_id: str) -> tuple[list[Feedback], list[Handoff], dict[int, SearchLog]]:
    engine = make_engine(stack.settings)
    with make_session_factory(engine)() as session:
        feedback = list(session.scalars(select(Feedback).where(Feedback.conversation_id == conversation_id)))
        handoffs = list(session.scalars(select(Handoff).where(Handoff.conversation_id == conversation_id)))
        logs = {log.id: log for log in session.scalars(select(SearchLog)
                                                       .where(SearchLog.conversation_id == conversation_id))}
    engine.dispose()
    return feedback, handoffs, logs


def test_the_no_button_hands_over_to_the_answers_department(stack: Stack, api: httpx.Client) -> None:
    conversation = open_conversation(api)
    conversation_id, headers = conversation
    answer = say(api, conversation, POOL)
    assert answer[0]["kind"] == "answer" and answer[0]["faq_id"] == "piscines-horaires", answer
    messages = api.get(f"/api/webchat/conversations/{conversation_id}/messages", headers=headers).json()["messages"]
    answer_id = next(m["id"] for m in messages if m["kind"] == "answer")

    response = api.post(f"/api/webchat/conversations/{conversation_id}/messages/{answer_id}/feedback",
                        json={"helpful": False}, headers=headers)
    assert response.status_code == 200, response.text
    replies = response.json()["replies"]
    assert [r["kind"] for r in replies] == ["handoff"], replies
    assert replies[0]["text"].startswith("Désolé que cette réponse ne vous aide pas.")
    assert "G-" in replies[0]["text"]

    [row], [handoff], logs = stored(stack, conversation_id)
    assert (row.helpful, row.faq_id, row.source) == (False, "piscines-horaires", "button")
    assert row.search_log_id in logs and logs[row.search_log_id].top_id == "piscines-horaires"
    assert (handoff.reason, handoff.department) == ("request_human", "sports")


def test_a_short_no_typed_after_an_answer_hands_over(stack: Stack, api: httpx.Client) -> None:
    conversation = open_conversation(api)
    answer = say(api, conversation, POOL)
    assert answer[0]["kind"] == "answer", answer
    replies = say(api, conversation, "non, ça ne répond pas à ma question")
    assert [r["kind"] for r in replies][-1] == "handoff", replies
    [row], [handoff], _ = stored(stack, conversation[0])
    assert (row.helpful, row.source) == (False, "reply") and handoff.reason == "request_human"
