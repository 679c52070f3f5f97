"""Presence on a handoff (viewing, typing, gone; expiring) and the guard against replying over a citizen
message the agent has not seen."""

from __future__ import annotations

from fastapi.testclient import TestClient

from guichet.models import Role
from handoff_api import presence
from handoff_api.presence import PresenceRegistry
from tests.handoff_api.conftest import make_account
from tests.handoff_api.console_client import account, login
from tests.handoff_api.tools_client import citizen_writes, make_handoff


def test_two_agents_see_each_other_and_typing_is_announced(client: TestClient) -> None:
    alice = make_account(client, "alice", Role.AGENT)
    bob = make_account(client, "bob", Role.AGENT)
    handoff_id = make_handoff(client, said=["bonjour"])
    url = f"/api/handoffs/{handoff_id}/presence"
    assert client.get(url, headers=alice).json() == {"handoff_id": handoff_id, "present": []}
    client.post(url, json={"state": "viewing"}, headers=alice)
    seen = client.post(url, json={"state": "typing"}, headers=bob).json()["present"]
    assert [(p["name"], p["typing"]) for p in seen] == [("alice", False), ("bob", True)]
    client.post(url, json={"state": "gone"}, headers=bob)
    assert [p["name"] for p in client.get(url, headers=alice).json()["present"]] == ["alice"]

    wrong = client.post(url, json={"state": "sleeping"}, headers=alice)
    assert wrong.status_code == 422
    assert client.post("/api/handoffs/999/presence", json={"state": "viewing"}, headers=alice).status_code == 404
    editor = make_account(client, "eve", Role.EDITOR)
    assert client.post(url, json={"state": "viewing"}, headers=editor).status_code == 403


def test_signals_expire(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    clock = [100.0]
    registry = PresenceRegistry()
    monkeypatch.setattr(registry, "_clock", lambda: clock[0])
    registry.signal(handoff_id=1, agent_id=7, name="alice", state="typing")
    clock[0] += presence.TYPING_SECONDS + 0.1
    assert registry.present(handoff_id=1) == [{"agent_id": 7, "name": "alice", "typing": False}]
    clock[0] += presence.VIEWING_SECONDS
    assert registry.present(handoff_id=1) == []


def test_a_reply_over_an_unseen_citizen_message_needs_a_confirmation(client: TestClient) -> None:
    alice = make_account(client, "alice", Role.AGENT)
    handoff_id = make_handoff(client, said=["ma carte d'identité"])
    client.post(f"/api/handoffs/{handoff_id}/claim", headers=alice)
    shown = client.get(f"/api/handoffs/{handoff_id}", headers=alice).json()["messages"][-1]["id"]
    newer = citizen_writes(client, handoff_id, "en fait c'est pour mon passeport")

    refused = client.post(f"/api/handoffs/{handoff_id}/reply", headers=alice,
                          json={"text": "Pour la carte d'identité…", "seen_message_id": shown})
    assert refused.status_code == 409
    assert f"wrote message {newer} after message {shown}" in refused.json()["detail"]
    seen = client.post(f"/api/handoffs/{handoff_id}/reply", headers=alice,
                       json={"text": "Pour le passeport…", "seen_message_id": newer})
    assert seen.status_code == 200
    citizen_writes(client, handoff_id, "merci")
    confirmed = client.post(f"/api/handoffs/{handoff_id}/reply", headers=alice,
                            json={"text": "Avec plaisir.", "seen_message_id": newer, "confirm": True})
    assert confirmed.status_code == 200


def test_the_page_asks_for_the_confirmation_and_keeps_the_draft(client: TestClient) -> None:
    account(client, "alice", Role.AGENT)
    token = login(client, "alice")
    handoff_id = make_handoff(client, said=["question"])
    client.post(f"/console/handoffs/{handoff_id}/claim", data={"csrf_token": token})
    page = client.get(f"/console/handoffs/{handoff_id}").text
    assert 'name="seen_message_id"' in page
    shown = client.get(f"/api/handoffs/{handoff_id}").json()["messages"][-1]["id"]
    citizen_writes(client, handoff_id, "autre chose")
    draft = "Voici la réponse préparée."
    refused = client.post(f"/console/handoffs/{handoff_id}/reply",
                          data={"csrf_token": token, "text": draft, "seen_message_id": shown})
    assert refused.status_code == 409
    assert "a écrit un nouveau message" in refused.text and draft in refused.text
    assert 'id="reply-confirm" name="confirm"' in refused.text and "autre chose" in refused.text
    sent = client.post(f"/console/handoffs/{handoff_id}/reply", follow_redirects=False,
                       data={"csrf_token": token, "text": draft, "seen_message_id": shown, "confirm": "1"})
    assert sent.status_code == 303
