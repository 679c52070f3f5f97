"""Fifty citizens at once on a real server and a real SQLite file: no error, no silence."""

from __future__ import annotations

import asyncio

from benchmarks.load import run_load
from gateway.rasa_client import RasaClient
from guichet.settings import Settings
from handoff_api.main import create_app
from testing.fakes import KeywordKnowledgeBase, fake_rasa_transport
from testing.live import serve


def test_fifty_concurrent_conversations(settings: Settings) -> None:
    settings = settings.model_copy(update={"webchat_conversations_per_hour": 10_000,
                                           "webchat_messages_per_minute": 10_000,
                                           "webchat_address_messages_per_minute": 100_000})
    knowledge_base = KeywordKnowledgeBase()
    rasa = RasaClient("http://rasa.test", transport=fake_rasa_transport(knowledge_base))
    app = create_app(settings, knowledge_base_loader=lambda _s, _f: knowledge_base, rasa=rasa)
    with serve(app) as server:
        result = asyncio.run(run_load(server.url, concurrency=50, seconds=4))
    assert result.errors == []
    assert len(result.latencies) >= 50
