"""Web chat abuse limits: IPv6 networks, forwarded addresses, no empty conversations, bodies after the token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gateway.rasa_client import RasaClient
from guichet.models import Conversation
from guichet.settings import Settings
from handoff_api.main import create_app
from testing.fakes import KeywordKnowledgeBase


def make_client(settings: Settings, knowledge_base: KeywordKnowledgeBase, rasa_transport,  # type: ignore[no-untyped-def]
                **changes: object) -> Iterator[TestClient]:
    rasa = RasaClient("http://rasa.test", transport=rasa_transport)
    app = create_app(settings.model_copy(update=changes), knowledge_base_loader=lambda _s, _f: knowledge_base,
                     rasa=rasa)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def limited(settings: Settings, knowledge_base: KeywordKnowledgeBase, rasa_transport) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    yield from make_client(settings, knowledge_base, rasa_transport, webchat_conversations_per_hour=3,
                           trusted_proxies="10.0.0.1", max_body_bytes=2048)


def open_from(client: TestClient, address: str, forwarded: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return TestClient(client.app, client=(address, 40000)).post("/api/webchat/conversations",
                                                                headers=headers).status_code


def conversations(client: TestClient) -> int:
    with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        return int(session.scalar(select(func.count()).select_from(Conversation)) or 0)


def test_addresses_of_one_ipv6_network_share_the_conversation_limit(limited: TestClient) -> None:
    statuses = [open_from(limited, f"2001:db8:aa:bb::{n}") for n in range(1, 5)]
    assert statuses == [201, 201, 201, 429]
    assert open_from(limited, "2001:db8:aa:bc::1") == 201


def test_forwarded_address_believed_only_from_a_trusted_proxy(limited: TestClient) -> None:
    relayed = [open_from(limited, "10.0.0.1", f"198.51.100.{n}") for n in range(5)]
    assert relayed == [201] * 5
    spoofed = [open_from(limited, "203.0.113.9", f"198.51.100.{n}") for n in range(4)]
    assert spoofed == [201, 201, 201, 429]
    # the proxy appends the address it saw: what the client wrote on the left is not believed
    chained = [open_from(limited, "10.0.0.1", f"192.0.2.{n}, 198.51.100.77") for n in range(4)]
    assert chained == [201, 201, 201, 429]


def test_a_conversation_is_written_with_its_first_message(client: TestClient) -> None:
    opened = client.post("/api/webchat/conversations").json()
    headers = {"Authorization": f"Bearer {opened['token']}"}
    url = f"/api/webchat/conversations/{opened['conversation_id']}/messages"
    assert conversations(client) == 0
    assert client.get(url, headers=headers).json() == {"messages": []}
    assert client.get(url, headers={"Authorization": "Bearer wc_wrong"}).status_code == 401
    assert conversations(client) == 0
    response = client.post(url, json={"text": "bonjour"}, headers=headers)
    assert response.status_code == 200, response.text
    assert conversations(client) == 1
    assert [m["author"] for m in client.get(url, headers=headers).json()["messages"]] == ["citizen", "bot"]
    assert client.post(url, json={"text": "la piscine ouvre quand ?"}, headers=headers).status_code == 200
    assert conversations(client) == 1


def test_the_body_is_not_read_before_the_token_is_checked(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    conversation_id, _headers = citizen
    response = client.post(f"/api/webchat/conversations/{conversation_id}/messages", content=b"{not json",
                           headers={"Authorization": "Bearer wc_wrong", "Content-Type": "application/json"})
    assert response.status_code == 401


def test_invalid_body_with_the_right_token_still_names_the_problem(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    conversation_id, headers = citizen
    url = f"/api/webchat/conversations/{conversation_id}/messages"
    broken = client.post(url, content=b"{not json", headers={**headers, "Content-Type": "application/json"})
    assert broken.status_code == 422 and "invalid JSON" in broken.json()["detail"]
    missing = client.post(url, json={"texte": "bonjour"}, headers=headers)
    assert missing.status_code == 422 and "text" in missing.json()["detail"]


def test_request_bodies_are_capped(limited: TestClient) -> None:
    opened = limited.post("/api/webchat/conversations").json()
    url = f"/api/webchat/conversations/{opened['conversation_id']}/messages"
    headers = {"Authorization": f"Bearer {opened['token']}", "Content-Type": "application/json"}
    announced = limited.post(url, json={"text": "x" * 3000}, headers=headers)
    assert announced.status_code == 413
    assert "2048 bytes (GUICHET_MAX_BODY_BYTES)" in announced.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"text": "'
        for _ in range(30):
            yield b"x" * 100
        yield b'"}'

    streamed = limited.post(url, content=chunks(), headers=headers)
    assert streamed.status_code == 413
    assert "GUICHET_MAX_BODY_BYTES" in streamed.json()["detail"]


def test_a_non_ascii_conversation_id_is_an_unknown_one(client: TestClient) -> None:
    """Found by the schema test: comparing the id with the token's one raised TypeError (a 500)."""
    headers = {"Authorization": "Bearer wc_x"}
    for method, path in (("GET", "messages"), ("POST", "stream-ticket"), ("GET", "events")):
        response = client.request(method, f"/api/webchat/conversations/%C3%A9t%C3%A9/{path}", headers=headers)
        assert response.status_code == 404, (path, response.text)
