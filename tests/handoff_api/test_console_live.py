"""Live parts on a real server: the queue's server-sent events, and the web chat's rate limit."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from gateway.rasa_client import RasaClient
from guichet.crud.agents import create_agent
from guichet.db import session_scope
from guichet.models import Role
from guichet.settings import Settings
from handoff_api.main import create_app
from testing.fakes import KeywordKnowledgeBase, fake_rasa_transport
from testing.live import LiveServer, serve


@pytest.fixture
def live(settings: Settings) -> Iterator[LiveServer]:
    knowledge_base = KeywordKnowledgeBase()
    rasa = RasaClient("http://rasa.test", transport=fake_rasa_transport(knowledge_base))
    app = create_app(settings, knowledge_base_loader=lambda _s, _f: knowledge_base, rasa=rasa)
    with serve(app) as server:
        yield server


def token_for(server: LiveServer, name: str, role: Role) -> str:
    with session_scope(server.app.state.session_factory) as session:
        _, token = create_agent(session, name=name, role=role)
    return token


def test_the_queue_stream_announces_a_new_handoff(live: LiveServer) -> None:
    agent = {"Authorization": f"Bearer {token_for(live, 'alice', Role.AGENT)}"}
    editor = {"Authorization": f"Bearer {token_for(live, 'eve', Role.EDITOR)}"}
    assert httpx.get(f"{live.url}/api/events/handoffs", headers=editor, timeout=5).status_code == 403
    with httpx.Client(base_url=live.url, timeout=httpx.Timeout(10.0)) as client, \
            client.stream("GET", "/api/events/handoffs", headers=agent) as stream:
        assert stream.status_code == 200 and stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        assert next(lines) == "retry: 3000"
        opened = httpx.post(f"{live.url}/api/webchat/conversations", timeout=5).json()
        citizen = {"Authorization": f"Bearer {opened['token']}"}
        sent = httpx.post(f"{live.url}/api/webchat/conversations/{opened['conversation_id']}/messages",
                          json={"text": "un problème de succession"}, headers=citizen, timeout=10)
        assert sent.json()["replies"][0]["kind"] == "handoff"
        event_line = next(line for line in lines if line.startswith("event:"))
        data_line = next(lines)
    assert event_line == "event: handoff"
    event = json.loads(data_line.removeprefix("data: "))
    assert event["type"] == "handoff" and event["conversation_id"] == opened["conversation_id"]
    assert isinstance(event["handoff_id"], int)


def test_the_31st_message_in_a_minute_is_429(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    conversation_id, headers = citizen
    statuses = [client.post(f"/api/webchat/conversations/{conversation_id}/messages", json={"text": "bonjour"},
                            headers=headers).status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    limited = client.post(f"/api/webchat/conversations/{conversation_id}/messages", json={"text": "bonjour"},
                          headers=headers)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert f"conversation:{conversation_id}" in limited.json()["detail"]
