"""Routing rules: a conversation that comes back goes to its last agent (unless away) or department; a silent
assignment goes back to the queue, flagged, after N opening minutes; agents set themselves available or away."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient

from guichet.crud import conversations as conv_crud
from guichet.crud import handoffs as crud
from guichet.crud.routing import SILENT, return_silent
from guichet.db import session_scope
from guichet.models import Author, Conversation, HandoffEvent, Role
from guichet.opening_hours import OpeningHours
from handoff_api.routing_task import run_once
from tests.handoff_api.conftest import make_account
from tests.handoff_api.console_client import account, login
from tests.handoff_api.tools_client import db_client, make_handoff

__all__ = ["db_client"]


def comes_back(client: TestClient, handoff_id: int, *, window_hours: float = 0,
               department: str = "accueil") -> tuple[int, str, int | None, str]:
    """The citizen asks for a person again: the handoff that results (id, status, agent, department)."""
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        old = crud.get_handoff(session, handoff_id=handoff_id)
        conversation = session.get(Conversation, old.conversation_id)
        assert conversation is not None
        handoff, _ = crud.create_handoff(session, conversation=conversation, department=department, reason="question",
                                         summary="de retour", hours=client.app.state.hours,  # type: ignore[attr-defined]
                                         first_response_hours=8, reopen_window=timedelta(hours=window_hours))
        return handoff.id, handoff.status, handoff.agent_id, handoff.department


def test_a_returning_conversation_goes_to_its_last_agent_unless_away(db_client: TestClient) -> None:
    alice = make_account(db_client, "alice", Role.AGENT)
    alice_id = db_client.get("/api/me", headers=alice).json()["id"]
    first = make_handoff(db_client, said=["ma poubelle n'a pas été ramassée"], department="proprete")
    db_client.post(f"/api/handoffs/{first}/claim", headers=alice)
    db_client.post(f"/api/handoffs/{first}/resolve", headers=alice)

    second, status, agent_id, department = comes_back(db_client, first)
    assert second != first and (status, agent_id, department) == ("assigned", alice_id, "proprete")
    events = db_client.get(f"/api/handoffs/{second}", headers=alice).json()["events"]
    assert [e["action"] for e in events] == ["create", "route"]
    db_client.post(f"/api/handoffs/{second}/resolve", headers=alice)

    away = db_client.put("/api/me/availability", json={"available": False}, headers=alice)
    assert away.status_code == 200 and away.json()["available"] is False
    third, status, agent_id, department = comes_back(db_client, second)
    assert (status, agent_id, department) == ("waiting", None, "proprete"), "away: the department's queue"

    db_client.post(f"/api/handoffs/{third}/claim", headers=alice)
    db_client.post(f"/api/handoffs/{third}/resolve", headers=alice)
    db_client.put("/api/me/availability", json={"available": True}, headers=alice)
    fourth, status, agent_id, department = comes_back(db_client, third, department="etat-civil")
    assert (status, agent_id, department) == ("assigned", alice_id, "etat-civil"), \
        "a department the bot named wins over the last one; the last agent still gets it"
    db_client.post(f"/api/handoffs/{fourth}/resolve", headers=alice)

    db_client.put("/api/me/availability", json={"available": False}, headers=alice)
    reopened, status, agent_id, _ = comes_back(db_client, fourth, window_hours=24)
    assert reopened == fourth and (status, agent_id) == ("waiting", None), "reopened within the window, still away"


def test_a_silent_assignment_returns_to_the_queue_flagged(db_client: TestClient) -> None:
    alice = make_account(db_client, "alice", Role.AGENT)
    silent = make_handoff(db_client, said=["un lampadaire clignote"])
    answered = make_handoff(db_client, said=["un arbre est tombé"])
    for handoff_id in (silent, answered):
        db_client.post(f"/api/handoffs/{handoff_id}/claim", headers=alice)
    db_client.post(f"/api/handoffs/{answered}/reply", json={"text": "Nous envoyons une équipe."}, headers=alice)
    hours = OpeningHours.parse({"fri": ["08:30-17:00"], "mon": ["08:30-17:00"]}, "Europe/Paris")
    friday = datetime.fromisoformat("2026-12-04T16:50:00+01:00")
    factory = db_client.app.state.session_factory  # type: ignore[attr-defined]
    with session_scope(factory) as session:
        for handoff_id in (silent, answered):
            crud.get_handoff(session, handoff_id=handoff_id).assigned_at = friday
        for message in conv_crud.transcript(session, conversation_id=crud.get_handoff(
                session, handoff_id=answered).conversation_id):
            if message.author == Author.AGENT.value:
                message.created_at = friday + timedelta(minutes=5)

    with session_scope(factory) as session:
        monday_early = datetime.fromisoformat("2026-12-07T08:45:00+01:00")
        assert return_silent(session, hours=hours, minutes=30, now=monday_early) == [], \
            "10 opening minutes on Friday + 15 on Monday: not yet 30"
    with session_scope(factory) as session:
        monday = datetime.fromisoformat("2026-12-07T08:55:00+01:00")
        assert [h.id for h in return_silent(session, hours=hours, minutes=30, now=monday)] == [silent]
    shown = db_client.get(f"/api/handoffs/{silent}", headers=alice).json()
    assert (shown["status"], shown["agent_id"], shown["flag"]) == ("waiting", None, SILENT)
    assert shown["events"][-1]["action"] == "unassign" and shown["events"][-1]["detail"]["rule"] == SILENT
    assert db_client.get(f"/api/handoffs/{answered}", headers=alice).json()["status"] == "assigned"

    account(db_client, "bob", Role.AGENT)
    login(db_client, "bob")
    rows = db_client.get("/console/queue/rows").text
    assert rows.count("sans réponse de l'agent") == 1, "the queue shows the flag on the returned handoff"
    db_client.post(f"/api/handoffs/{silent}/claim", headers=alice)
    with session_scope(factory) as session:
        assert crud.get_handoff(session, handoff_id=silent).flag is None, "claiming again clears the flag"


def test_the_background_job_uses_the_setting(db_client: TestClient) -> None:
    alice = make_account(db_client, "alice", Role.AGENT)
    handoff_id = make_handoff(db_client, said=["stationnement"])
    db_client.post(f"/api/handoffs/{handoff_id}/claim", headers=alice)
    app = db_client.app
    assert run_once(app) == []  # type: ignore[arg-type]
    minutes = app.state.settings.silent_assignment_minutes  # type: ignore[attr-defined]
    with session_scope(app.state.session_factory) as session:  # type: ignore[attr-defined]
        handoff = crud.get_handoff(session, handoff_id=handoff_id)
        assert handoff.assigned_at is not None
        handoff.assigned_at -= timedelta(minutes=minutes + 1)
    assert run_once(app) == [handoff_id]  # type: ignore[arg-type]
    with session_scope(app.state.session_factory) as session:  # type: ignore[attr-defined]
        assert session.query(HandoffEvent).filter_by(handoff_id=handoff_id, action="unassign").count() == 1


def test_the_header_form_sets_availability_and_returns_to_the_page(db_client: TestClient) -> None:
    account(db_client, "alice", Role.AGENT)
    token = login(db_client, "alice")
    away = db_client.post("/console/availability", data={"csrf_token": token, "available": "0",
                                                         "next": "/console/handoffs/7"}, follow_redirects=False)
    assert away.status_code == 303 and away.headers["location"] == "/console/handoffs/7"
    assert db_client.get("/api/me").json()["available"] is False
    assert "Me rendre disponible" in db_client.get("/console").text
    outside = db_client.post("/console/availability", data={"csrf_token": token, "available": "1",
                                                            "next": "https://elsewhere.example"},
                             follow_redirects=False)
    assert outside.headers["location"] == "/console", "only a console path is a redirect target"
    assert db_client.get("/api/me").json()["available"] is True
