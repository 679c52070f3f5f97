"""Server-sent events for the web chat: access rules, backlog, an agent's reply arriving live, keep-alive, cleanup."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from gateway.rasa_client import RasaClient
from guichet.crud.agents import create_agent
from guichet.db import session_scope
from guichet.models import Role
from guichet.settings import Settings
from handoff_api.main import create_app
from handoff_api.routers import webchat_stream
from testing.fakes import KeywordKnowledgeBase
from testing.live import LiveServer, serve

TIMEOUT = httpx.Timeout(10.0)


@pytest.fixture
def live(settings: Settings, knowledge_base: KeywordKnowledgeBase, rasa_transport) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    rasa = RasaClient("http://rasa.test", transport=rasa_transport)
    with serve(create_app(settings, knowledge_base_loader=lambda _s, _f: knowledge_base, rasa=rasa)) as server:
        yield server


def open_conversation(live: LiveServer) -> tuple[str, str]:
    body = httpx.post(f"{live.url}/api/webchat/conversations", timeout=TIMEOUT).json()
    return body["conversation_id"], body["token"]


def say(live: LiveServer, conversation_id: str, token: str, text: str) -> None:
    response = httpx.post(f"{live.url}/api/webchat/conversations/{conversation_id}/messages", json={"text": text},
                          headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)
    assert response.status_code == 200, response.text


def ticket(live: LiveServer, conversation_id: str, token: str) -> str:
    response = httpx.post(f"{live.url}/api/webchat/conversations/{conversation_id}/stream-ticket",
                          headers={"Authorization": f"Bearer {token}"}, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["expires_in"] == 60
    value: str = body["ticket"]
    return value


def events(lines: Iterator[str]) -> Iterator[dict[str, object]]:
    """The messages of an event stream, in order (comments and retry lines skipped)."""
    for line in lines:
        if line.startswith("data: "):
            yield json.loads(line.removeprefix("data: "))


def test_wrong_token_is_401_and_unknown_conversation_404(live: LiveServer) -> None:
    conversation_id, _token = open_conversation(live)
    url = f"{live.url}/api/webchat/conversations/{conversation_id}/events"
    assert httpx.get(url, params={"ticket": "1.wrong"}, timeout=TIMEOUT).status_code == 401
    assert httpx.get(url, timeout=TIMEOUT).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer wc_wrong"}, timeout=TIMEOUT).status_code == 401
    unknown = httpx.get(f"{live.url}/api/webchat/conversations/nope/events",
                        headers={"Authorization": "Bearer wc_x"}, timeout=TIMEOUT)
    assert unknown.status_code == 404
    refused = httpx.post(f"{live.url}/api/webchat/conversations/{conversation_id}/stream-ticket",
                         headers={"Authorization": "Bearer wc_wrong"}, timeout=TIMEOUT)
    assert refused.status_code == 401


def test_the_conversation_token_is_never_taken_from_the_url(live: LiveServer) -> None:
    """URLs land in access logs: the long-lived conversation token must not travel in one."""
    conversation_id, token = open_conversation(live)
    url = f"{live.url}/api/webchat/conversations/{conversation_id}/events"
    response = httpx.get(url, params={"token": token}, timeout=TIMEOUT)
    assert response.status_code == 401 and "stream-ticket" in response.json()["detail"]


def test_a_ticket_opens_only_its_own_conversation(live: LiveServer) -> None:
    first, first_token = open_conversation(live)
    second, _ = open_conversation(live)
    url = f"{live.url}/api/webchat/conversations/{second}/events"
    assert httpx.get(url, params={"ticket": ticket(live, first, first_token)}, timeout=TIMEOUT).status_code == 401


def test_tickets_expire() -> None:
    key = b"k" * 32
    issued = webchat_stream.issue_ticket(key, conversation_id="c1", lifetime=60, now=1000.0)
    assert webchat_stream.ticket_valid(key, issued, conversation_id="c1", now=1059.0)
    assert not webchat_stream.ticket_valid(key, issued, conversation_id="c1", now=1061.0)
    assert not webchat_stream.ticket_valid(key, issued, conversation_id="c2", now=1001.0)
    assert not webchat_stream.ticket_valid(b"x" * 32, issued, conversation_id="c1", now=1001.0)
    assert not webchat_stream.ticket_valid(key, "garbage", conversation_id="c1", now=1001.0)


def test_backlog_then_agent_reply_arrives_live(live: LiveServer) -> None:
    conversation_id, token = open_conversation(live)
    say(live, conversation_id, token, "bonjour")
    say(live, conversation_id, token, "mon voisin a un problème de succession")
    with session_scope(live.app.state.session_factory) as session:
        _, agent_token = create_agent(session, name="alice", role=Role.AGENT)
    agent = {"Authorization": f"Bearer {agent_token}"}
    handoff_id = httpx.get(f"{live.url}/api/handoffs?status=waiting", headers=agent, timeout=TIMEOUT).json()[0]["id"]
    assert httpx.post(f"{live.url}/api/handoffs/{handoff_id}/claim", headers=agent, timeout=TIMEOUT).status_code == 200

    url = f"{live.url}/api/webchat/conversations/{conversation_id}/events"
    opened = {"ticket": ticket(live, conversation_id, token)}
    with httpx.stream("GET", url, params=opened, timeout=TIMEOUT) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = events(response.iter_lines())
        backlog = [next(stream) for _ in range(4)]
        assert [m["author"] for m in backlog] == ["citizen", "bot", "citizen", "bot"]
        assert backlog[3]["kind"] == "handoff"
        started = time.monotonic()
        reply = httpx.post(f"{live.url}/api/handoffs/{handoff_id}/reply", json={"text": "Je regarde votre dossier."},
                           headers=agent, timeout=TIMEOUT)
        assert reply.status_code == 200, reply.text
        live_message = next(stream)
        assert time.monotonic() - started < webchat_stream.KEEPALIVE_SECONDS / 2  # pushed, not found by a re-read
        assert live_message == {**live_message, "id": reply.json()["message_id"], "author": "agent",
                                "text": "Je regarde votre dossier."}


def test_last_event_id_keepalive_and_end_of_stream(live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webchat_stream, "KEEPALIVE_SECONDS", 0.05)
    monkeypatch.setattr(webchat_stream, "MAX_STREAM_SECONDS", 0.4)
    conversation_id, token = open_conversation(live)
    say(live, conversation_id, token, "bonjour")
    say(live, conversation_id, token, "horaires de la piscine")
    url = f"{live.url}/api/webchat/conversations/{conversation_id}/events"
    first = httpx.get(url, params={"ticket": ticket(live, conversation_id, token)}, timeout=TIMEOUT).text
    ids = [m["id"] for m in events(iter(first.splitlines()))]
    assert len(ids) == 4 and ": keep-alive" in first and first.startswith("retry: ")

    after_second = httpx.get(url, params={"ticket": ticket(live, conversation_id, token)},
                             headers={"Last-Event-ID": str(ids[1])}, timeout=TIMEOUT)
    assert [m["id"] for m in events(iter(after_second.text.splitlines()))] == ids[2:]
    answer = list(events(iter(after_second.text.splitlines())))[-1]
    assert answer["kind"] == "answer" and answer["faq_id"] == "piscines-horaires"


def test_subscription_ends_when_the_citizen_leaves(live: LiveServer) -> None:
    conversation_id, token = open_conversation(live)
    topic = f"conversation:{conversation_id}"
    subscribers = live.app.state.events._subscribers
    url = f"{live.url}/api/webchat/conversations/{conversation_id}/events"
    opened = {"ticket": ticket(live, conversation_id, token)}
    with httpx.stream("GET", url, params=opened, timeout=TIMEOUT) as response:
        next(response.iter_lines())
        joined = time.monotonic() + 30  # generous: on a loaded machine the app's loop shares the cores
        while not subscribers[topic] and time.monotonic() < joined:
            time.sleep(0.02)
        assert len(subscribers[topic]) == 1
    deadline = time.monotonic() + 30
    while subscribers[topic] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not subscribers[topic]
