"""« Cette réponse vous aide ? » and the rating after a person's help, through the web chat API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from handoff_api.crud.feedback import verdicts_by_search
from handoff_api.db import session_scope
from handoff_api.models import Feedback, Handoff, Message, Role, SearchLog, utcnow
from tests.handoff_api.conftest import make_account

Citizen = tuple[str, dict[str, str]]


def say(client: TestClient, citizen: Citizen, text: str) -> None:
    conversation_id, headers = citizen
    response = client.post(f"/api/webchat/conversations/{conversation_id}/messages", json={"text": text},
                           headers=headers)
    assert response.status_code == 200, response.text


def messages(client: TestClient, citizen: Citizen) -> list[dict[str, object]]:
    conversation_id, headers = citizen
    found: list[dict[str, object]] = client.get(f"/api/webchat/conversations/{conversation_id}/messages",
                                                headers=headers).json()["messages"]
    return found


def answered(client: TestClient, citizen: Citizen) -> int:
    """The citizen asks a question the FAQ answers (its search logged as the action server would)."""
    say(client, citizen, "bonjour")  # writes the conversation
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        session.add(SearchLog(conversation_id=citizen[0], text="la piscine ouvre quand ?", decision="answer",
                              top_id="piscines-horaires", top_score=0.9, created_at=utcnow() - timedelta(seconds=1)))
    say(client, citizen, "la piscine ouvre quand ?")
    answer = messages(client, citizen)[-1]
    assert answer["kind"] == "answer" and answer["feedback"] is None
    return int(str(answer["id"]))


def feedback(client: TestClient, citizen: Citizen, message_id: int, body: object,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, object]]:
    conversation_id, token = citizen
    response = client.post(f"/api/webchat/conversations/{conversation_id}/messages/{message_id}/feedback",
                           json=body, headers=token if headers is None else headers)
    return response.status_code, response.json()


def test_yes_then_no_last_word_wins_and_no_offers_a_person_once(client: TestClient, citizen: Citizen,
                                                                 rasa_transport: Any) -> None:
    answer_id = answered(client, citizen)
    status, body = feedback(client, citizen, answer_id, {"helpful": True})
    assert status == 200 and body == {"message_id": answer_id, "helpful": True, "replies": []}
    assert messages(client, citizen)[-1]["feedback"] is True

    status, body = feedback(client, citizen, answer_id, {"helpful": False})
    assert status == 200 and body["helpful"] is False
    replies = body["replies"]
    assert isinstance(replies, list) and [r["kind"] for r in replies] == ["handoff"]
    assert replies[0]["text"].startswith("Désolé que cette réponse ne vous aide pas.")
    assert rasa_transport.sent[-1] == "/request_human"  # the existing "a person, please" turn
    shown = messages(client, citizen)
    assert [m["author"] for m in shown[-2:]] == ["citizen", "bot"]
    assert shown[-2]["text"] == "Non, cette réponse ne m'aide pas."
    assert next(m for m in shown if m["id"] == answer_id)["feedback"] is False

    status, body = feedback(client, citizen, answer_id, {"helpful": False})  # said again: no second offer
    assert status == 200 and body["replies"] == []
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        rows = list(session.scalars(select(Feedback)))
        assert len(rows) == 1 and rows[0].helpful is False and rows[0].source == "button"
        log = session.get(SearchLog, rows[0].search_log_id)
        assert log is not None and log.text == "la piscine ouvre quand ?"  # stored with the search that answered
        assert verdicts_by_search(session, search_log_ids=[log.id, log.id + 1000]) == {log.id: False}
        assert rows[0].faq_id == "piscines-horaires" and rows[0].kind == "answer"
        handoffs = list(session.scalars(select(Handoff)))
        assert [(h.conversation_id, h.status) for h in handoffs] == [(citizen[0], "waiting")]


def test_errors_are_named(client: TestClient, citizen: Citizen) -> None:
    answer_id = answered(client, citizen)
    other = client.post("/api/webchat/conversations").json()
    other_citizen = (other["conversation_id"], {"Authorization": f"Bearer {other['token']}"})
    answered(client, other_citizen)
    shown = messages(client, citizen)
    greeting = next(m for m in shown if m["kind"] == "smalltalk")
    question = next(m for m in shown if m["author"] == "citizen")

    status, body = feedback(client, other_citizen, answer_id, {"helpful": True})
    assert status == 404 and f"message {answer_id} does not exist" in str(body["detail"])
    assert feedback(client, citizen, 999_999, {"helpful": True})[0] == 404
    status, body = feedback(client, citizen, int(str(question["id"])), {"helpful": False})
    assert status == 422 and "citizen's message, not the assistant's" in str(body["detail"])
    status, body = feedback(client, citizen, int(str(greeting["id"])), {"helpful": False})
    assert status == 422 and "not an automatic answer (kind 'smalltalk')" in str(body["detail"])
    assert feedback(client, citizen, answer_id, {"helpful": "oui"})[0] == 422
    assert feedback(client, citizen, answer_id, {})[0] == 422
    assert feedback(client, citizen, answer_id, {"helpful": True}, headers={})[0] == 401
    assert feedback(client, citizen, answer_id, {"helpful": True},
                    headers={"Authorization": f"Bearer {other['token']}"})[0] == 401
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        assert session.scalar(select(func.count()).select_from(Feedback)) == 0


def test_rating_after_a_person_resolved(client: TestClient, citizen: Citizen, agent_headers) -> None:  # type: ignore[no-untyped-def]
    conversation_id, headers = citizen
    rate = f"/api/webchat/conversations/{conversation_id}/rating"
    say(client, citizen, "mon voisin a un problème de succession")  # the fake FAQ has no answer: a handoff
    assert client.post(rate, json={"helpful": True}, headers=headers).status_code == 422  # nothing resolved yet
    handoff_id = client.get("/api/handoffs?status=waiting", headers=agent_headers).json()[0]["id"]
    client.post(f"/api/handoffs/{handoff_id}/claim", headers=agent_headers)
    client.post(f"/api/handoffs/{handoff_id}/reply", json={"text": "C'est fait."}, headers=agent_headers)
    assert client.post(f"/api/handoffs/{handoff_id}/resolve", headers=agent_headers).status_code == 200

    asked = messages(client, citizen)[-1]
    assert asked["kind"] == "rating" and "L'aide reçue vous a-t-elle été utile ?" in str(asked["text"])
    assert asked["feedback"] is None
    assert client.post(rate, json={"helpful": True}, headers={}).status_code == 401
    response = client.post(rate, json={"helpful": False}, headers=headers)
    assert response.status_code == 200 and response.json()["helpful"] is False
    response = client.post(rate, json={"helpful": True}, headers=headers)  # the last word wins
    assert response.status_code == 200 and response.json()["reference"].startswith("G-")
    assert messages(client, citizen)[-1]["feedback"] is True
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        row = session.scalars(select(Feedback)).one()
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None
        assert (row.kind, row.helpful, row.handoff_id, row.department) == ("help", True, handoff_id,
                                                                           handoff.department)


def test_no_rating_asked_when_returned_to_the_bot(client: TestClient, citizen: Citizen, agent_headers) -> None:  # type: ignore[no-untyped-def]
    say(client, citizen, "mon voisin a un problème de succession")
    handoff_id = client.get("/api/handoffs?status=waiting", headers=agent_headers).json()[0]["id"]
    client.post(f"/api/handoffs/{handoff_id}/claim", headers=agent_headers)
    assert client.post(f"/api/handoffs/{handoff_id}/return-to-bot", headers=agent_headers).status_code == 200
    assert all(m["kind"] != "rating" for m in messages(client, citizen))


def test_erasure_deletes_feedback_and_export_shows_it(client: TestClient, citizen: Citizen) -> None:
    answer_id = answered(client, citizen)
    assert feedback(client, citizen, answer_id, {"helpful": True})[0] == 200
    admin = make_account(client, "root", Role.ADMIN)
    exported = client.get("/api/admin/citizens/export", params={"conversation_id": citizen[0]}, headers=admin).json()
    assert [(f["kind"], f["helpful"], f["message_id"]) for f in exported["conversations"][0]["feedback"]] == [
        ("answer", True, answer_id)]
    erased = client.delete("/api/admin/citizens", params={"conversation_id": citizen[0]}, headers=admin)
    assert erased.status_code == 200 and erased.json()["erased"]["feedback"] == 1
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        assert session.scalar(select(func.count()).select_from(Feedback)) == 0
        assert session.scalar(select(func.count()).select_from(Message)) == 0
