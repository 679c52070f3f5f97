from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from gateway.rasa_client import RasaClient
from guichet.crud.agents import create_agent
from guichet.db import session_scope
from guichet.models import Role
from guichet.settings import Settings
from handoff_api.main import create_app
from testing.fakes import KeywordKnowledgeBase, fake_rasa_transport


@pytest.fixture
def knowledge_base() -> KeywordKnowledgeBase:
    return KeywordKnowledgeBase()


@pytest.fixture
def rasa_transport(knowledge_base: KeywordKnowledgeBase):  # type: ignore[no-untyped-def]
    return fake_rasa_transport(knowledge_base)


@pytest.fixture
def client(settings: Settings, knowledge_base: KeywordKnowledgeBase, rasa_transport) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    rasa = RasaClient("http://rasa.test", transport=rasa_transport)
    app = create_app(settings, knowledge_base_loader=lambda _s, _f: knowledge_base, rasa=rasa)
    with TestClient(app) as test_client:
        yield test_client


def make_account(client: TestClient, name: str, role: Role) -> dict[str, str]:
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        _, token = create_agent(session, name=name, role=role)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def agent_headers(client: TestClient) -> dict[str, str]:
    return make_account(client, "alice", Role.AGENT)


@pytest.fixture
def citizen(client: TestClient) -> tuple[str, dict[str, str]]:
    response = client.post("/api/webchat/conversations")
    assert response.status_code == 201
    body = response.json()
    return body["conversation_id"], {"Authorization": f"Bearer {body['token']}"}
