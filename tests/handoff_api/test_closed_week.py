"""A week with every day closed: refused in the admin, handled where deadlines are computed; recovery gives up."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gateway.messages import Gateway, Recovery
from gateway.rasa_client import RasaClient
from guichet.crud import conversations as conv_crud
from guichet.db import session_scope
from guichet.models import Handoff, InboundState, Message, Role
from guichet.settings import Settings
from handoff_api.main import create_app
from testing.fakes import KeywordKnowledgeBase, fake_rasa_transport
from tests.handoff_api.conftest import make_account
from tests.handoff_api.console_client import account, login

CLOSED: dict[str, list[str]] = {day: [] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
SERVICE = {"Authorization": "Bearer service-test-token"}


def _app(settings: Settings) -> Iterator[TestClient]:
    knowledge_base = KeywordKnowledgeBase()
    app = create_app(settings, knowledge_base_loader=lambda _s, _f: knowledge_base,
                     rasa=RasaClient("http://rasa.test", transport=fake_rasa_transport(knowledge_base)))
    with TestClient(app) as client:
        yield client


@pytest.fixture
def closed_client(tmp_path: Path) -> Iterator[TestClient]:
    """An application whose hours (configured, or stored before the admin page refused it) are all closed."""
    yield from _app(Settings(var_dir=tmp_path / "var", service_token="service-test-token", opening_hours=CLOSED,
                             _env_file=None))


def test_the_admin_refuses_a_week_with_every_day_closed(client: TestClient) -> None:
    admin = make_account(client, "root", Role.ADMIN)
    before = client.get("/api/admin/opening-hours", headers=admin).json()
    refused = client.put("/api/admin/opening-hours", json=CLOSED, headers=admin)
    assert refused.status_code == 422, refused.text
    assert "every day is closed" in refused.json()["detail"]
    assert client.get("/api/admin/opening-hours", headers=admin).json() == before

    account(client, "chef", Role.ADMIN)
    token = login(client, "chef")
    page = client.post("/console/admin/opening-hours", data={"csrf_token": token})
    assert page.status_code == 422 and "every day is closed" in page.text
    assert client.get("/api/admin/opening-hours", headers=admin).json() == before


def test_a_handoff_still_opens_when_every_day_is_closed(closed_client: TestClient) -> None:
    created = closed_client.post("/api/webchat/conversations").json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    said = closed_client.post(f"/api/webchat/conversations/{created['conversation_id']}/messages",
                              json={"text": "mon voisin a un problème de succession"}, headers=headers)
    assert said.status_code == 200, said.text
    replies = said.json()["replies"]
    assert [r["kind"] for r in replies] == ["handoff"] and "Référence : G-" in replies[0]["text"]
    with closed_client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        handoff = session.scalars(select(Handoff)).one()
        assert handoff.conversation_id == created["conversation_id"] and handoff.first_response_due is not None

    with session_scope(closed_client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        other = conv_crud.new_conversation(session, channel="webchat").id  # as written by a first message
    opened = closed_client.post("/api/internal/handoffs", json={"conversation_id": other}, headers=SERVICE)
    assert opened.status_code == 201, opened.text
    assert "fermé" in opened.json()["expected"]


def test_recovery_gives_up_after_the_configured_attempts_and_agents_see_it(
        settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    configured = settings.model_copy(update={"inbound_max_attempts": 3})
    for client in _app(configured):
        gateway: Gateway = client.app.state.gateway  # type: ignore[attr-defined]
        with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
            conversation_id = conv_crud.new_conversation(session, channel="webchat").id
        message_id = gateway._store_inbound(conversation_id, "horaires de la piscine", "webchat", "m-1", None)
        assert message_id is not None

        def broken(*_args: object) -> None:
            raise RuntimeError("a bug in storing the replies")

        monkeypatch.setattr(gateway, "_store_replies", broken)
        rounds: list[Recovery | None] = []
        for _ in range(5):
            try:
                rounds.append(asyncio.run(gateway.recover(older_than=timedelta(0))))
            except RuntimeError:  # today's recovery lets one failing message stop the round
                rounds.append(None)
        with client.app.state.session_factory() as session:  # type: ignore[attr-defined]
            stored = session.get(Message, message_id)
            assert stored is not None and stored.inbound_state == InboundState.FAILED.value
            assert stored.attempts == 3
            handoff = session.scalars(select(Handoff)).one()  # handed to a person
            assert handoff.conversation_id == conversation_id and handoff.reason == "error"
        assert [r.given_up if r else None for r in rounds] == [0, 0, 0, 1, 0]
        assert rounds[-1] is not None and rounds[-1].found == 0  # no longer retried

        account(client, "alice", Role.AGENT)
        login(client, "alice")
        queue = client.get("/console")
        assert queue.status_code == 200
        assert "Messages non traités" in queue.text and "horaires de la piscine" in queue.text
        assert "abandonné après 3 tentatives" in queue.text and f"demande {handoff.reference}" in queue.text
