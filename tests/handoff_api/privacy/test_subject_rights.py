"""A citizen's rights of access and erasure: admin API and CLI, both audited without the handle in clear."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from guichet.db import session_scope
from guichet.models import AuditEntry, Conversation, Handoff, HandoffEvent, Message, Role, SearchLog
from handoff_api.cli import main
from tests.handoff_api.conftest import make_account

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def seed(client: TestClient, handle: str = "@Martine") -> list[str]:
    """Two conversations of one citizen (one with a handoff and a note), and another citizen's."""
    ids = []
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        for index, (who, channel) in enumerate([(handle, "x_dm"), (handle.lower(), "x_mention"), ("@paul", "x_dm")]):
            conv = Conversation(id=uuid.uuid4().hex, channel=channel, external_ref=f"ref-{index}",
                                citizen_handle=who, created_at=AT, last_message_at=AT)
            session.add(conv)
            session.flush()
            session.add(Message(conversation_id=conv.id, author="citizen", channel=channel,
                                text=f"Lampadaire cassé devant le 3 rue de la Paix ({who})", created_at=AT))
            session.add(SearchLog(conversation_id=conv.id, text="Lampadaire cassé devant le [adresse]",
                                  decision="handoff", created_at=AT))
            if index == 0:
                handoff = Handoff(reference="G-ABCDE", conversation_id=conv.id, department="eclairage",
                                  reason="report_problem", channel=channel, created_at=AT, updated_at=AT,
                                  first_response_due=AT, details={"place": "3 rue de la Paix"})
                session.add(handoff)
                session.flush()
                session.add(HandoffEvent(handoff_id=handoff.id, actor="bot", action="create", created_at=AT))
                session.add(Message(conversation_id=conv.id, author="note", channel=channel, text="déjà signalé",
                                    created_at=AT))
            ids.append(conv.id)
    return ids


def test_export_everything_held_about_a_handle(client: TestClient) -> None:
    mine = seed(client)
    admin = make_account(client, "root", Role.ADMIN)
    response = client.get("/api/admin/citizens/export", params={"handle": "martine"}, headers=admin)
    assert response.status_code == 200
    body = response.json()
    assert sorted(c["id"] for c in body["conversations"]) == sorted(mine[:2])
    first = next(c for c in body["conversations"] if c["id"] == mine[0])
    assert first["citizen_handle"] == "@Martine"
    assert [m["author"] for m in first["messages"]] == ["citizen", "note"]
    assert first["messages"][0]["text"].startswith("Lampadaire cassé devant le 3 rue de la Paix")
    assert first["handoffs"][0]["reference"] == "G-ABCDE" and first["handoffs"][0]["events"][0]["action"] == "create"
    assert first["searches"][0]["decision"] == "handoff"
    by_id = client.get("/api/admin/citizens/export", params={"conversation_id": mine[1]}, headers=admin).json()
    assert [c["id"] for c in by_id["conversations"]] == [mine[1]]
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        audits = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "citizen.export")))
    assert [a.actor for a in audits] == ["root", "root"]
    assert audits[0].target.startswith("citizen:handle-sha256:") and "martine" not in audits[0].target.lower()


def test_erase_a_handle(client: TestClient) -> None:
    mine = seed(client)
    admin = make_account(client, "root", Role.ADMIN)
    response = client.delete("/api/admin/citizens", params={"handle": "@MARTINE"}, headers=admin)
    assert response.status_code == 200
    assert response.json()["erased"] == {"conversations": 2, "messages": 3, "handoffs": 1, "handoff_events": 1,
                                         "outbox_items": 0, "search_logs": 2, "feedback": 0, "rasa_events": 0}
    state = client.app.state  # type: ignore[attr-defined]
    with session_scope(state.session_factory) as session:
        assert session.get(Conversation, mine[0]) is None and session.get(Conversation, mine[2]) is not None
        assert session.scalar(select(func.count()).select_from(Message)) == 1  # Paul's message stays
        assert session.scalar(select(func.count()).select_from(SearchLog)) == 1
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "citizen.erase")).one()
        assert audit.detail is not None and audit.detail["conversations"] == 2
    gone = client.get("/api/admin/citizens/export", params={"handle": "martine"}, headers=admin)
    assert gone.status_code == 404 and "no conversation is held for 'martine'" in gone.json()["detail"]


@pytest.mark.parametrize(("params", "status", "fragment"), [
    ({}, 422, "give exactly one of handle or conversation_id"),
    ({"handle": "a", "conversation_id": "b"}, 422, "give exactly one"),
    ({"handle": "@"}, 422, "handle: '@' is empty"),
    ({"conversation_id": "nope"}, 404, "conversation_id: 'nope' does not exist"),
])
def test_bad_requests_are_named(client: TestClient, params: dict[str, str], status: int, fragment: str) -> None:
    admin = make_account(client, "root", Role.ADMIN)
    for method in ("GET", "DELETE"):
        url = "/api/admin/citizens/export" if method == "GET" else "/api/admin/citizens"
        response = client.request(method, url, params=params, headers=admin)
        assert response.status_code == status and fragment in response.json()["detail"]


def test_only_admins(client: TestClient) -> None:
    seed(client)
    editor = make_account(client, "eve", Role.EDITOR)
    assert client.get("/api/admin/citizens/export", params={"handle": "martine"}, headers=editor).status_code == 403
    assert client.delete("/api/admin/citizens", params={"handle": "martine"}).status_code == 401


def test_privacy_commands(client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path,  # type: ignore[no-untyped-def]
                          capsys: pytest.CaptureFixture[str]) -> None:
    mine = seed(client)
    monkeypatch.setenv("GUICHET_VAR_DIR", str(client.app.state.settings.var_dir))  # type: ignore[attr-defined]
    target = tmp_path / "export.json"
    assert main(["privacy", "export", "--handle", "martine", "--output", str(target)]) == 0
    exported = json.loads(target.read_text(encoding="utf-8"))["conversations"]
    assert sorted(c["id"] for c in exported) == sorted(mine[:2])
    assert main(["privacy", "erase", "--handle", "martine"]) == 0
    assert "would erase: 2 conversations, 3 messages" in capsys.readouterr().out
    assert main(["privacy", "erase", "--handle", "martine", "--yes"]) == 0
    assert "erased: 2 conversations" in capsys.readouterr().out
    assert main(["privacy", "erase", "--handle", "martine", "--yes"]) == 2
    assert "no conversation is held for 'martine'" in capsys.readouterr().err
    assert main(["privacy", "export"]) == 2
    assert "give exactly one of --handle or --conversation-id" in capsys.readouterr().err
