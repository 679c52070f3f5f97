"""One citizen, one agent, the real Rasa server: the slice that must work end to end."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from guichet.db import make_engine, make_session_factory
from guichet.models import Handoff, HandoffEvent, Message, Role
from handoff_api.stack import Stack, rasa_token
from tests.e2e.conftest import account


def open_conversation(api: httpx.Client) -> tuple[str, dict[str, str]]:
    response = api.post("/api/webchat/conversations")
    assert response.status_code == 201, response.text
    body = response.json()
    return body["conversation_id"], {"Authorization": f"Bearer {body['token']}"}


def say(api: httpx.Client, conversation: tuple[str, dict[str, str]], text: str) -> list[dict[str, Any]]:
    conversation_id, headers = conversation
    response = api.post(f"/api/webchat/conversations/{conversation_id}/messages", json={"text": text},
                        headers=headers)
    assert response.status_code == 200, response.text
    replies: list[dict[str, object]] = response.json()["replies"]
    return replies


def test_citizen_bot_agent_and_back(stack: Stack, api: httpx.Client) -> None:
    agent = account(stack, "e2e-agent", Role.AGENT)
    conversation = open_conversation(api)
    conversation_id, headers = conversation

    greeting = say(api, conversation, "bonjour")
    assert greeting and greeting[0]["kind"] == "smalltalk"
    assert "automatique" in str(greeting[0]["text"]).lower()

    answer = say(api, conversation, "c'est ouvert jusqu'à quelle heure la piscine le week-end ?")
    assert answer[0]["kind"] == "answer", answer
    assert answer[0]["faq_id"] == "piscines-horaires"

    # an unanswerable question may now be offered the three nearest entries (the decision offers choices whenever
    # the right entry is likely among them); asking for a person always reaches the queue
    handoff = say(api, conversation, "je voudrais parler à une personne de la mairie s'il vous plaît")
    assert [r["kind"] for r in handoff][-1] == "handoff", handoff
    waiting = api.get("/api/handoffs", params={"status": "waiting"}, headers=agent).json()
    mine = [h for h in waiting if h["conversation_id"] == conversation_id]
    assert len(mine) == 1
    handoff_id = mine[0]["id"]

    assert say(api, conversation, "allo ?") == []

    assert api.post(f"/api/handoffs/{handoff_id}/claim", headers=agent).status_code == 200
    text = "Bonjour, c'est Camille de la mairie : le notaire doit vous répondre, je vous explique."
    assert api.post(f"/api/handoffs/{handoff_id}/reply", json={"text": text}, headers=agent).status_code == 200
    messages = api.get(f"/api/webchat/conversations/{conversation_id}/messages", headers=headers).json()["messages"]
    assert messages[-1]["author"] == "agent" and messages[-1]["text"] == text

    assert api.post(f"/api/handoffs/{handoff_id}/resolve", headers=agent).status_code == 200
    back = say(api, conversation, "merci ! et pour les horaires de la piscine le dimanche ?")
    # the bot has the conversation again: it answers, or offers the pool hours among its choices
    offered = {r.get("faq_id") for r in back} | {s["faq_id"] for r in back for s in r.get("suggestions") or []}
    assert back and back[0]["kind"] in ("answer", "clarify") and "piscines-horaires" in offered

    engine = make_engine(stack.settings)
    with make_session_factory(engine)() as session:
        authors = [m.author for m in session.scalars(
            select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id))]
        assert authors[:2] == ["citizen", "bot"] and "agent" in authors and authors.count("citizen") == 5
        stored = session.get(Handoff, handoff_id)
        assert stored is not None and stored.status == "resolved"
        actions = list(session.scalars(select(HandoffEvent.action).where(HandoffEvent.handoff_id == handoff_id)
                                       .order_by(HandoffEvent.id)))
        assert actions == ["create", "claim", "resolve"]
    engine.dispose()
    tracker = httpx.get(f"{stack.settings.rasa_url}/conversations/{conversation_id}/tracker",
                        params={"token": rasa_token(stack.settings)}, timeout=10).json()
    kinds = [e["event"] for e in tracker["events"]]
    assert "pause" in kinds and "resume" in kinds and kinds.index("pause") < kinds.index("resume")
