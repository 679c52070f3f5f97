"""The walking skeleton through the HTTP API, with a stand-in Rasa: greet, answer, handoff, agent, resume."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from guichet.models import Handoff, HandoffEvent, Message, Owner


def say(client: TestClient, conversation: tuple[str, dict[str, str]], text: str) -> list[dict[str, object]]:
    conversation_id, headers = conversation
    response = client.post(f"/api/webchat/conversations/{conversation_id}/messages", json={"text": text},
                           headers=headers)
    assert response.status_code == 200, response.text
    replies: list[dict[str, object]] = response.json()["replies"]
    return replies


def test_greeting_answer_handoff_agent_and_back_to_bot(client: TestClient, citizen, agent_headers, rasa_transport):  # type: ignore[no-untyped-def]
    conversation_id, headers = citizen
    greeting = say(client, citizen, "bonjour")
    assert [r["kind"] for r in greeting] == ["smalltalk"]

    answer = say(client, citizen, "la piscine ouvre quand ?")
    assert answer[0]["kind"] == "answer" and answer[0]["faq_id"] == "piscines-horaires"

    handoff_reply = say(client, citizen, "mon voisin a un problème de succession")
    assert handoff_reply[0]["kind"] == "handoff"
    assert "Référence : G-" in str(handoff_reply[0]["text"])

    waiting = client.get("/api/handoffs?status=waiting", headers=agent_headers).json()
    assert [h["conversation_id"] for h in waiting] == [conversation_id]
    handoff_id = waiting[0]["id"]
    assert {"id", "conversation_id", "status", "department", "channel", "created_at",
            "first_response_due"} <= set(waiting[0])

    assert say(client, citizen, "vous êtes là ?") == []

    assert client.post(f"/api/handoffs/{handoff_id}/claim", headers=agent_headers).status_code == 200
    reply = client.post(f"/api/handoffs/{handoff_id}/reply", json={"text": "Bonjour, je regarde votre dossier."},
                        headers=agent_headers)
    assert reply.status_code == 200, reply.text
    messages = client.get(f"/api/webchat/conversations/{conversation_id}/messages", headers=headers).json()
    assert messages["messages"][-1] == {**messages["messages"][-1], "author": "agent",
                                        "text": "Bonjour, je regarde votre dossier."}

    assert client.post(f"/api/handoffs/{handoff_id}/resolve", headers=agent_headers).status_code == 200
    again = say(client, citizen, "et la piscine le dimanche ?")
    assert again[0]["kind"] == "answer"

    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        authors = [m.author for m in session.scalars(select(Message).where(Message.conversation_id == conversation_id)
                                                     .order_by(Message.id))]
        # after the resolution the assistant asks the citizen to rate the help (docs/feedback.md)
        assert authors == ["citizen", "bot", "citizen", "bot", "citizen", "bot", "citizen", "agent", "bot", "citizen",
                           "bot"]
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None and handoff.status == "resolved" and handoff.first_response_at is not None
        actions = [e.action for e in session.scalars(select(HandoffEvent).where(HandoffEvent.handoff_id == handoff_id)
                                                     .order_by(HandoffEvent.id))]
        assert actions == ["create", "claim", "resolve"]
        assert handoff.conversation_id == conversation_id
        conversation = handoff.conversation_id
        assert session.get(__import__("guichet.models").models.Conversation, conversation).owner == Owner.BOT
    events = rasa_transport.events
    assert (conversation_id, "pause") in events and (conversation_id, "resume") in events


def test_first_reply_says_it_is_automatic(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    first = say(client, citizen, "horaires de la piscine")
    assert "automatique" in str(first[0]["text"]).lower()
    second = say(client, citizen, "horaires de la piscine")
    assert "automatique" not in str(second[0]["text"]).lower()


def test_rasa_failure_gives_apology_and_handoff(client: TestClient, citizen, agent_headers) -> None:  # type: ignore[no-untyped-def]
    replies = say(client, citizen, "lampadaire en panne")
    assert replies[0]["kind"] == "handoff"
    assert "Désolé" in str(replies[0]["text"])
    assert len(client.get("/api/handoffs?status=waiting", headers=agent_headers).json()) == 1
