"""A console app on SQLite or PostgreSQL, and handoffs made directly in its database, for the console tools."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gateway.rasa_client import RasaClient
from guichet.crud import conversations as conv_crud
from guichet.crud import handoffs as crud
from guichet.db import session_scope
from guichet.models import Author, Conversation
from guichet.settings import Settings
from handoff_api.main import create_app
from testing.fakes import KeywordKnowledgeBase, fake_rasa_transport
from testing.hours import ALWAYS_OPEN


@pytest.fixture
def db_client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The whole app on a real SQLite file, then on PostgreSQL when it is available."""
    settings = Settings(var_dir=tmp_path / "var", database_url=database_url, service_token="service-test-token",
                        opening_hours=ALWAYS_OPEN, _env_file=None)
    knowledge_base = KeywordKnowledgeBase()
    rasa = RasaClient("http://rasa.test", transport=fake_rasa_transport(knowledge_base))
    app = create_app(settings, knowledge_base_loader=lambda _s, _f: knowledge_base, rasa=rasa)
    with TestClient(app) as client:
        yield client


def make_handoff(client: TestClient, *, said: list[str], summary: str = "", department: str = "accueil",
                 channel: str = "webchat") -> int:
    """A handoff whose conversation holds ``said`` (citizen messages) and its id."""
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    with session_scope(factory) as session:
        conversation = conv_crud.new_conversation(session, channel=channel)
        for text in said:
            conv_crud.add_inbound(session, conversation=conversation, text=text, channel=channel)
        handoff, _ = crud.create_handoff(session, conversation=conversation, department=department, reason="question",
                                         summary=summary, hours=client.app.state.hours,  # type: ignore[attr-defined]
                                         first_response_hours=8, reopen_window=timedelta(hours=1))
        return handoff.id


def citizen_writes(client: TestClient, handoff_id: int, text: str) -> int:
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    with session_scope(factory) as session:
        conversation = session.get(Conversation, crud.get_handoff(session, handoff_id=handoff_id).conversation_id)
        assert conversation is not None
        message = conv_crud.add_inbound(session, conversation=conversation, text=text, channel=conversation.channel)
        assert message is not None and message.author == Author.CITIZEN.value
        return message.id
