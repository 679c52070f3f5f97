"""``GET /api/internal/requests/{reference}``: a citizen learns the status of their own requests, nobody else's."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from guichet.crud.conversations import conversation_for_ref, new_conversation
from guichet.db import session_scope

SERVICE = {"Authorization": "Bearer service-test-token"}


def _webchat(client: TestClient) -> str:
    """A web chat conversation as its first message writes it (opening one stores nothing)."""
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        return new_conversation(session, channel="webchat").id


def _x(client: TestClient, channel: str, citizen: str) -> str:
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        return conversation_for_ref(session, channel=channel, external_ref=citizen, citizen_handle="@someone").id


def _request(client: TestClient, conversation_id: str) -> str:
    created = client.post("/api/internal/handoffs", json={"conversation_id": conversation_id, "department": "voirie",
                                                          "reason": "report_problem", "summary": "Nid-de-poule"},
                          headers=SERVICE)
    assert created.status_code == 201, created.text
    reference: str = created.json()["reference"]
    return reference


def _lookup(client: TestClient, reference: str, conversation_id: str) -> tuple[int, dict[str, object]]:
    response = client.get(f"/api/internal/requests/{reference}", params={"conversation_id": conversation_id},
                          headers=SERVICE)
    return response.status_code, response.json()


def test_the_asking_conversation_sees_its_request(client: TestClient) -> None:
    mine = _webchat(client)
    reference = _request(client, mine)
    status, body = _lookup(client, reference.lower(), mine)
    assert status == 200 and body["reference"] == reference and body["status"] == "waiting"


def test_another_conversation_gets_the_same_answer_as_for_an_unknown_reference(client: TestClient) -> None:
    reference = _request(client, _webchat(client))
    other = _webchat(client)
    absent = "G-ZZZZ9" if reference != "G-ZZZZ9" else "G-ZZZZ8"
    not_mine = _lookup(client, reference, other)
    unknown = _lookup(client, absent, other)
    assert not_mine[0] == unknown[0] == 404
    assert not_mine[1]["detail"] == str(unknown[1]["detail"]).replace(absent, reference)
    assert "voirie" not in str(not_mine[1]) and "waiting" not in str(not_mine[1])


def test_the_same_x_account_sees_its_request_from_a_mention_or_a_dm(client: TestClient) -> None:
    reference = _request(client, _x(client, "x_mention", "12345"))
    assert _lookup(client, reference, _x(client, "x_dm", "12345"))[0] == 200
    assert _lookup(client, reference, _x(client, "x_dm", "99999"))[0] == 404


@pytest.mark.parametrize("query", ["", "?conversation_id=" + "z" * 33])
def test_a_lookup_names_its_conversation(client: TestClient, query: str) -> None:
    reference = _request(client, _webchat(client))
    response = client.get(f"/api/internal/requests/{reference}{query}", headers=SERVICE)
    assert response.status_code == 422, response.text
