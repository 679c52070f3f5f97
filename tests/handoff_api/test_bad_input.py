"""Bad input gets a clear 4xx with a message, and nothing stored is lost."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize(("body", "fragment"), [
    ({"text": ""}, "must not be empty"),
    ({"text": "   \n "}, "must not be empty"),
    ({"text": "x" * 5001}, "5001 characters"),
    ({}, "text: Field required"),
    ({"text": 12}, "text"),
])
def test_bad_messages_are_refused_clearly(client: TestClient, citizen, body, fragment) -> None:  # type: ignore[no-untyped-def]
    conversation_id, headers = citizen
    response = client.post(f"/api/webchat/conversations/{conversation_id}/messages", json=body, headers=headers)
    assert response.status_code == 422
    assert fragment in response.json()["detail"]


def test_invalid_json_is_422_with_message(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    conversation_id, headers = citizen
    response = client.post(f"/api/webchat/conversations/{conversation_id}/messages", content=b'{"text": "bon',
                           headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 422
    assert "invalid JSON" in response.json()["detail"]


def test_tokens_and_unknown_conversation(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    conversation_id, headers = citizen
    url = f"/api/webchat/conversations/{conversation_id}/messages"
    assert client.post(url, json={"text": "bonjour"}).status_code == 401
    wrong = client.post(url, json={"text": "bonjour"}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "wrong token" in wrong.json()["detail"]
    unknown = client.post("/api/webchat/conversations/abc/messages", json={"text": "x"}, headers=headers)
    assert unknown.status_code == 404 and "'abc'" in unknown.json()["detail"]
    assert client.get(url, headers={"Authorization": "Basic xyz"}).status_code == 401


def test_nothing_lost_after_refusals(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    conversation_id, headers = citizen
    url = f"/api/webchat/conversations/{conversation_id}/messages"
    client.post(url, json={"text": "bonjour"}, headers=headers)
    client.post(url, json={"text": ""}, headers=headers)
    client.post(url, content=b"{", headers={**headers, "Content-Type": "application/json"})
    texts = [m["text"] for m in client.get(url, headers=headers).json()["messages"]]
    assert texts[0] == "bonjour" and len(texts) == 2


def test_agent_api_errors(client: TestClient, citizen, agent_headers) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/handoffs").status_code == 401
    assert client.get("/api/handoffs", headers={"Authorization": "Bearer wrong"}).status_code == 401
    missing = client.post("/api/handoffs/999/claim", headers=agent_headers)
    assert missing.status_code == 404 and "999" in missing.json()["detail"]
    bad_status = client.get("/api/handoffs?status=lost", headers=agent_headers)
    assert bad_status.status_code == 422 and "'lost'" in bad_status.json()["detail"]
