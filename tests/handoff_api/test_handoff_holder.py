"""Closing a handoff: only the agent who holds it (or an admin) may resolve it or return it to the bot."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from guichet.models import Role
from tests.handoff_api.conftest import make_account


def _handoff(client: TestClient, citizen: tuple[str, dict[str, str]], agent: dict[str, str]) -> int:
    conversation_id, headers = citizen
    said = client.post(f"/api/webchat/conversations/{conversation_id}/messages",
                       json={"text": "mon voisin a un problème de succession"}, headers=headers)
    assert said.json()["replies"][0]["kind"] == "handoff"
    handoff_id: int = client.get("/api/handoffs?status=waiting", headers=agent).json()[0]["id"]
    return handoff_id


@pytest.mark.parametrize("action", ["resolve", "return-to-bot"])
def test_another_agent_cannot_close_a_held_handoff(client: TestClient, citizen, agent_headers,  # type: ignore[no-untyped-def]
                                                   action: str) -> None:
    handoff_id = _handoff(client, citizen, agent_headers)
    assert client.post(f"/api/handoffs/{handoff_id}/claim", headers=agent_headers).status_code == 200
    bob = make_account(client, "bob", Role.AGENT)
    refused = client.post(f"/api/handoffs/{handoff_id}/{action}", headers=bob)
    assert refused.status_code == 409, refused.text
    assert "held by agent" in refused.json()["detail"]
    assert client.get(f"/api/handoffs/{handoff_id}", headers=agent_headers).json()["status"] == "assigned"
    admin = make_account(client, "root", Role.ADMIN)
    assert client.post(f"/api/handoffs/{handoff_id}/{action}", headers=admin).status_code == 200


def test_a_waiting_handoff_can_be_returned_to_the_bot_by_any_agent(client: TestClient, citizen,  # type: ignore[no-untyped-def]
                                                                   agent_headers) -> None:
    handoff_id = _handoff(client, citizen, agent_headers)
    returned = client.post(f"/api/handoffs/{handoff_id}/return-to-bot", headers=agent_headers)
    assert returned.status_code == 200, returned.text
    assert returned.json()["status"] == "resolved"
