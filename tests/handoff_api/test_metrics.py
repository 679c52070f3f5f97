"""``GET /metrics``: Prometheus text with the traffic, the bot's decisions, stage latencies and the queue."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from gateway.rasa_client import RasaClient
from guichet.db import session_scope
from guichet.models import Conversation, Handoff, OutboxItem, utcnow
from guichet.settings import Settings
from handoff_api.main import create_app
from testing.fakes import KeywordKnowledgeBase, fake_rasa_transport


def samples(client: TestClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def say(client: TestClient, citizen: tuple[str, dict[str, str]], text: str) -> None:
    conversation_id, headers = citizen
    response = client.post(f"/api/webchat/conversations/{conversation_id}/messages", json={"text": text},
                           headers=headers)
    assert response.status_code == 200, response.text


def test_messages_decisions_and_latencies(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    before = samples(client)
    assert value(before, "guichet_bot_replies_total", kind="answer") == 0  # decisions exist from the start
    say(client, citizen, "la piscine ouvre quand ?")
    say(client, citizen, "mon voisin a un problème de succession")
    say(client, citizen, "vous êtes là ?")  # a person owns the conversation now: no bot reply
    found = samples(client)
    assert value(found, "guichet_messages_total", direction="in", channel="webchat") == 3
    assert value(found, "guichet_messages_total", direction="out", channel="webchat") == 2
    assert value(found, "guichet_bot_replies_total", kind="answer") == 1
    assert value(found, "guichet_bot_replies_total", kind="handoff") == 1
    assert value(found, "guichet_bot_replies_total", kind="clarify") == 0
    assert value(found, "guichet_stage_seconds_count", stage="rasa") == 2
    assert value(found, "guichet_stage_seconds_count", stage="reply") == 3
    assert value(found, "guichet_queue_size", status="waiting") == 1
    assert value(found, "guichet_queue_size", status="assigned") == 0
    assert value(found, "guichet_database_up") == 1


def test_action_api_latency_breaches_and_outbox_backlog(client: TestClient) -> None:
    service = {"Authorization": "Bearer service-test-token"}
    assert client.get("/api/internal/requests/G-NOPE2?conversation_id=nope", headers=service).status_code == 404
    now = utcnow()
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        conversations = [Conversation(id=uuid.uuid4().hex, channel="x_dm") for _ in range(3)]
        session.add_all(conversations)
        session.flush()
        conversation = conversations[0]
        for index, (due, answered) in enumerate([(-2, None), (3, None), (-5, -1)]):
            session.add(Handoff(reference=f"G-TEST{index}", conversation_id=conversations[index].id,
                                department="voirie",
                                reason="question", channel="x_dm", status="waiting" if answered is None else "resolved",
                                first_response_due=now + timedelta(hours=due),
                                first_response_at=None if answered is None else now + timedelta(hours=answered)))
        for status in ("pending", "pending", "sent"):
            session.add(OutboxItem(conversation_id=conversation.id, channel="x_dm", payload={"text": "…"},
                                   status=status))
    found = samples(client)
    assert value(found, "guichet_stage_seconds_count", stage="action") == 1
    assert value(found, "guichet_sla_breaches", state="overdue") == 1
    assert value(found, "guichet_sla_breaches", state="answered_late") == 1
    assert value(found, "guichet_queue_size", status="waiting") == 2
    assert value(found, "guichet_outbox_backlog", channel="x_dm") == 2


def test_each_app_has_its_own_registry(settings: Settings) -> None:
    knowledge_base = KeywordKnowledgeBase()
    apps = [create_app(settings, knowledge_base_loader=lambda _s, _f: knowledge_base,
                       rasa=RasaClient("http://rasa.test", transport=fake_rasa_transport(knowledge_base)))
            for _ in range(2)]
    apps[0].state.metrics.message_in("webchat")
    assert b'guichet_messages_total{channel="webchat",direction="in"} 1.0' in apps[0].state.metrics.exposition()
    assert b'direction="in"' not in apps[1].state.metrics.exposition()
