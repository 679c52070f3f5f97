"""A claim is atomic: 20 agents claiming one handoff at once give one success and 19 conflicts."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

from guichet.crud import conversations as conv_crud
from guichet.crud import handoffs as crud
from guichet.crud.agents import create_agent, ensure_departments
from guichet.db import make_engine, make_session_factory, session_scope
from guichet.migrate import upgrade
from guichet.models import Role
from guichet.opening_hours import OpeningHours
from guichet.settings import Settings
from testing.hours import ALWAYS_OPEN


def test_twenty_agents_claim_at_once(database_url: str, tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path, database_url=database_url, _env_file=None)
    engine = make_engine(settings)
    upgrade(engine)
    factory = make_session_factory(engine)
    hours = OpeningHours.parse(ALWAYS_OPEN, "Europe/Paris")
    with session_scope(factory) as session:
        ensure_departments(session)
        conversation = conv_crud.new_conversation(session, channel="webchat")
        handoff, _ = crud.create_handoff(session, conversation=conversation, department="voirie", reason="test",
                                         summary="nid de poule", hours=hours, first_response_hours=8,
                                         reopen_window=timedelta(hours=1))
        agent_ids = [create_agent(session, name=f"agent{i}", role=Role.AGENT)[0].id for i in range(20)]
        handoff_id = handoff.id

    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(agent_id: int) -> None:
        barrier.wait()
        try:
            with session_scope(factory) as session:
                crud.claim(session, handoff_id=handoff_id, agent_id=agent_id, actor=f"agent{agent_id}")
            result = "ok"
        except crud.Conflict as error:
            result = f"conflict: {error}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(agent_id,)) for agent_id in agent_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("ok") == 1
    conflicts = [o for o in outcomes if o != "ok"]
    assert len(conflicts) == 19 and all("is assigned and held by agent" in o for o in conflicts)
    with session_scope(factory) as session:
        claimed = crud.get_handoff(session, handoff_id=handoff_id)
        assert claimed.status == "assigned" and claimed.agent_id in agent_ids
        assert [e.action for e in claimed.events] == ["create", "claim"]
    engine.dispose()


def test_second_claim_over_http_is_409(client, citizen, agent_headers) -> None:  # type: ignore[no-untyped-def]
    from tests.handoff_api.conftest import make_account

    conversation_id, headers = citizen
    client.post(f"/api/webchat/conversations/{conversation_id}/messages", json={"text": "question inconnue"},
                headers=headers)
    handoff_id = client.get("/api/handoffs", headers=agent_headers).json()[0]["id"]
    bob = make_account(client, "bob", Role.AGENT)
    assert client.post(f"/api/handoffs/{handoff_id}/claim", headers=agent_headers).status_code == 200
    second = client.post(f"/api/handoffs/{handoff_id}/claim", headers=bob)
    assert second.status_code == 409 and "held by agent" in second.json()["detail"]
    reply = client.post(f"/api/handoffs/{handoff_id}/reply", json={"text": "moi aussi"}, headers=bob)
    assert reply.status_code == 409
