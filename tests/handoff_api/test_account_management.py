"""Admins reactivate accounts, change roles, reset passwords (a change is forced at next login), rename and
merge departments; through the JSON API and the console."""

from __future__ import annotations

from fastapi.testclient import TestClient

from guichet.crud.agents import ensure_departments
from guichet.db import session_scope
from guichet.models import Department, Role
from tests.handoff_api.conftest import make_account
from tests.handoff_api.console_client import account, form_token, login
from tests.handoff_api.tools_client import db_client, make_handoff

__all__ = ["db_client"]


def test_reactivate_and_change_role(db_client: TestClient) -> None:
    admin = make_account(db_client, "root", Role.ADMIN)
    agent = make_account(db_client, "alice", Role.AGENT)
    alice_id = db_client.get("/api/me", headers=agent).json()["id"]
    db_client.post(f"/api/admin/agents/{alice_id}/deactivate", headers=admin)
    assert db_client.get("/api/me", headers=agent).status_code == 401
    back = db_client.post(f"/api/admin/agents/{alice_id}/reactivate", headers=admin)
    assert back.status_code == 200 and back.json()["active"] is True
    assert db_client.get("/api/me", headers=agent).status_code == 200

    editor = db_client.put(f"/api/admin/agents/{alice_id}/role", json={"role": "editor"}, headers=admin)
    assert editor.status_code == 200 and editor.json()["role"] == "editor"
    assert db_client.get("/api/handoffs", headers=agent).status_code == 403, "an editor has no queue"
    wrong = db_client.put(f"/api/admin/agents/{alice_id}/role", json={"role": "boss"}, headers=admin)
    assert wrong.status_code == 422 and "role: 'boss'" in wrong.json()["detail"]
    root_id = db_client.get("/api/me", headers=admin).json()["id"]
    own = db_client.put(f"/api/admin/agents/{root_id}/role", json={"role": "agent"}, headers=admin)
    assert own.status_code == 422 and "cannot change their own role" in own.json()["detail"]
    assert db_client.post(f"/api/admin/agents/{alice_id}/reactivate", headers=agent).status_code == 403
    assert db_client.post("/api/admin/agents/999/reactivate", headers=admin).status_code == 404


def test_a_reset_password_must_be_changed_at_next_login(client: TestClient) -> None:
    admin = make_account(client, "root", Role.ADMIN)
    alice_id = account(client, "alice", Role.AGENT)
    reset = client.post(f"/api/admin/agents/{alice_id}/password-reset", headers=admin)
    assert reset.status_code == 200 and reset.json()["must_change_password"] is True
    temporary = reset.json()["temporary_password"]

    token = login(client, "alice", temporary)
    forced = client.get("/console", follow_redirects=False)
    assert forced.status_code == 303 and forced.headers["location"] == "/console/password"
    assert client.get("/console/kb", follow_redirects=False).headers["location"] == "/console/password"
    page = client.get("/console/password")
    assert "réinitialisé par un administrateur" in page.text
    mismatch = client.post("/console/password", data={"csrf_token": token, "password": "nouveau-secret-1",
                                                      "confirm": "nouveau-secret-2"})
    assert mismatch.status_code == 422 and "ne sont pas identiques" in mismatch.text
    short = client.post("/console/password", data={"csrf_token": token, "password": "court", "confirm": "court"})
    assert short.status_code == 422
    done = client.post("/console/password", data={"csrf_token": token, "password": "nouveau-secret-1",
                                                   "confirm": "nouveau-secret-1"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/console"
    assert client.get("/console", follow_redirects=False).status_code == 200
    client.cookies.clear()
    login(client, "alice", "nouveau-secret-1")


def test_rename_and_merge_departments(db_client: TestClient) -> None:
    admin = make_account(db_client, "root", Role.ADMIN)
    agent = make_account(db_client, "alice", Role.AGENT)
    handoff_id = make_handoff(db_client, said=["un chien perdu"], department="animaux")
    renamed = db_client.patch("/api/admin/departments/animaux", json={"name": "Animaux en ville"}, headers=admin)
    assert renamed.status_code == 200 and renamed.json() == {"slug": "animaux", "name": "Animaux en ville"}
    blank = db_client.patch("/api/admin/departments/animaux", json={"name": "  "}, headers=admin)
    assert blank.status_code == 422 and blank.json()["detail"].startswith("department name")

    merged = db_client.post("/api/admin/departments/animaux/merge", json={"into": "proprete"}, headers=admin)
    assert merged.status_code == 200 and merged.json()["moved"]["handoffs"] == 1
    assert db_client.get(f"/api/handoffs/{handoff_id}", headers=agent).json()["department"] == "proprete"
    again = db_client.post("/api/admin/departments/animaux/merge", json={"into": "proprete"}, headers=admin)
    assert again.status_code == 404 and "department 'animaux' does not exist" in again.json()["detail"]
    itself = db_client.post("/api/admin/departments/proprete/merge", json={"into": "proprete"}, headers=admin)
    assert itself.status_code == 422
    with session_scope(db_client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        ensure_departments(session)
        assert session.get(Department, "animaux") is None, "a restart does not bring a merged department back"


def test_the_console_pages_do_the_same(client: TestClient) -> None:
    account(client, "root", Role.ADMIN)
    alice_id = account(client, "alice", Role.AGENT)
    token = login(client, "root")
    client.post(f"/console/admin/agents/{alice_id}/deactivate", data={"csrf_token": token})
    page = client.get(f"/console/admin/agents/{alice_id}")
    assert "Réactiver le compte" in page.text and form_token(page.text) == token
    client.post(f"/console/admin/agents/{alice_id}/reactivate", data={"csrf_token": token})
    changed = client.post(f"/console/admin/agents/{alice_id}/role", data={"csrf_token": token, "role": "editor"})
    assert "Rôle modifié." in changed.text and "éditeur" in changed.text
    reset = client.post(f"/console/admin/agents/{alice_id}/password-reset", data={"csrf_token": token})
    assert 'id="temporary-password"' in reset.text
    renamed = client.post("/console/admin/departments/voirie/rename", data={"csrf_token": token, "name": "Routes"})
    assert "Service renommé." in renamed.text and "Routes" in renamed.text
    merged = client.post("/console/admin/departments/voirie/merge", data={"csrf_token": token, "into": "eclairage"})
    assert "Services fusionnés." in merged.text
    assert client.get("/console/admin/departments/voirie").status_code == 404


def test_a_reset_or_a_reactivation_ends_the_sessions_opened_before(client: TestClient) -> None:
    admin = make_account(client, "root", Role.ADMIN)
    alice_id = account(client, "alice", Role.AGENT)
    login(client, "alice")
    assert client.get("/console", follow_redirects=False).status_code == 200
    client.post(f"/api/admin/agents/{alice_id}/password-reset", headers=admin)
    stale = client.get("/console", follow_redirects=False)
    assert stale.status_code == 303 and stale.headers["location"].startswith("/console/login"), \
        "the old session cannot reach the page that sets the new password"

    temporary = client.post(f"/api/admin/agents/{alice_id}/password-reset", headers=admin).json()["temporary_password"]
    token = login(client, "alice", temporary)
    client.post("/console/password", data={"csrf_token": token, "password": "nouveau-secret-1",
                                           "confirm": "nouveau-secret-1"})
    assert client.get("/console", follow_redirects=False).status_code == 200
    client.post(f"/api/admin/agents/{alice_id}/deactivate", headers=admin)
    client.post(f"/api/admin/agents/{alice_id}/reactivate", headers=admin)
    assert client.get("/console", follow_redirects=False).status_code == 303, "a cookie from before stays dead"
