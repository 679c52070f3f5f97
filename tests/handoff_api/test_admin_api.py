"""Admins manage accounts, departments and opening hours, by the JSON API and by the console page."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gateway.rasa_client import RasaClient
from guichet.db import session_scope
from guichet.models import AuditEntry, Department, KeyValue, Role
from guichet.settings import Settings
from handoff_api.main import create_app
from testing.fakes import KeywordKnowledgeBase, fake_rasa_transport
from tests.handoff_api.conftest import make_account
from tests.handoff_api.console_client import PASSWORD, account, login


def audit_rows(client: TestClient) -> set[tuple[str, str, str]]:
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        return {(a.actor, a.action, a.target) for a in session.scalars(select(AuditEntry))}


def test_accounts_through_the_api(client: TestClient) -> None:
    admin = make_account(client, "root", Role.ADMIN)
    created = client.post("/api/admin/agents", json={"name": "bob", "role": "editor", "department": "voirie",
                                                     "password": "long-enough"}, headers=admin)
    assert created.status_code == 201, created.text
    bob = created.json()
    assert bob["role"] == "editor" and bob["has_password"] and bob["token"].startswith("gch_")
    assert client.get("/api/handoffs", headers={"Authorization": f"Bearer {bob['token']}"}).status_code == 403
    listed = client.get("/api/admin/agents", headers=admin).json()
    assert [a["name"] for a in listed] == ["bob", "root"] and "token" not in listed[0]

    renewed = client.post(f"/api/admin/agents/{bob['id']}/token", headers=admin).json()
    assert renewed["token"] != bob["token"]
    assert client.get("/api/handoffs", headers={"Authorization": f"Bearer {bob['token']}"}).status_code == 401
    assert client.get("/api/handoffs", headers={"Authorization": f"Bearer {renewed['token']}"}).status_code == 403
    deactivated = client.post(f"/api/admin/agents/{bob['id']}/deactivate", headers=admin)
    assert deactivated.status_code == 200 and deactivated.json()["active"] is False
    assert client.get("/api/handoffs", headers={"Authorization": f"Bearer {renewed['token']}"}).status_code == 401
    assert ("root", "admin.agent_create", f"agent:{bob['id']}") in audit_rows(client)
    assert ("root", "admin.token_regenerate", f"agent:{bob['id']}") in audit_rows(client)
    assert ("root", "admin.agent_deactivate", f"agent:{bob['id']}") in audit_rows(client)


def test_bad_accounts_are_refused_naming_the_value(client: TestClient) -> None:
    admin = make_account(client, "root", Role.ADMIN)
    cases = [({"name": "x", "role": "service"}, 422, "'service'"),
             ({"name": "x", "password": "short"}, 422, "at least 8"),
             ({"name": "root"}, 422, "'root' already exists"),
             ({"name": "x", "department": "astronautique"}, 404, "'astronautique'")]
    for body, status, text in cases:
        response = client.post("/api/admin/agents", json=body, headers=admin)
        assert response.status_code == status and text in response.json()["detail"], (body, response.text)
    assert client.post("/api/admin/agents/999/deactivate", headers=admin).status_code == 404


def test_departments(client: TestClient) -> None:
    admin = make_account(client, "root", Role.ADMIN)
    added = client.post("/api/admin/departments", json={"slug": "jeunesse", "name": "Jeunesse"}, headers=admin)
    assert added.status_code == 201 and added.json() == {"slug": "jeunesse", "name": "Jeunesse"}
    again = client.post("/api/admin/departments", json={"slug": "jeunesse", "name": "Jeunesse"}, headers=admin)
    assert again.status_code == 422 and "'jeunesse' already exists" in again.json()["detail"]
    bad = client.post("/api/admin/departments", json={"slug": "Pas Bon", "name": "x"}, headers=admin)
    assert bad.status_code == 422 and "'Pas Bon'" in bad.json()["detail"]
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        assert session.get(Department, "jeunesse") is not None


def test_opening_hours_apply_at_once_and_after_a_restart(client: TestClient, settings: Settings,
                                                         knowledge_base: KeywordKnowledgeBase) -> None:
    admin = make_account(client, "root", Role.ADMIN)
    state = client.app.state  # type: ignore[attr-defined]
    week = {"mon": ["09:00-12:00", "14:00-17:00"], "sat": ["10:00-12:00"]}
    saved = client.put("/api/admin/opening-hours", json=week, headers=admin)
    assert saved.status_code == 200
    assert saved.json() == {"mon": ["09:00-12:00", "14:00-17:00"], "tue": [], "wed": [], "thu": [], "fri": [],
                            "sat": ["10:00-12:00"], "sun": []}
    assert state.gateway.hours is state.hours and [s.hour for s, _ in state.hours.weekly["mon"]] == [9, 14]
    assert client.get("/api/admin/opening-hours", headers=admin).json() == saved.json()
    bad = client.put("/api/admin/opening-hours", json={"mon": ["17:00-09:00"]}, headers=admin)
    assert bad.status_code == 422 and "'17:00-09:00' ends before it starts" in bad.json()["detail"]
    unknown = client.put("/api/admin/opening-hours", json={"lundi": []}, headers=admin)
    assert unknown.status_code == 422 and "'lundi'" in unknown.json()["detail"]
    with session_scope(state.session_factory) as session:
        stored = session.get(KeyValue, "opening_hours")
        assert stored is not None and stored.value["sat"] == ["10:00-12:00"]

    again = create_app(settings, knowledge_base_loader=lambda _s, _f: knowledge_base,
                       rasa=RasaClient("http://rasa.test", transport=fake_rasa_transport(knowledge_base)))
    assert [s.hour for s, _ in again.state.hours.weekly["mon"]] == [9, 14]
    assert again.state.hours.weekly["tue"] == []
    again.state.engine.dispose()


def test_the_admin_page(client: TestClient) -> None:
    account(client, "root", Role.ADMIN)
    bob = account(client, "bob", Role.AGENT)
    token = login(client, "root")
    page = client.get("/console/admin")
    assert page.status_code == 200 and "Créer un compte" in page.text and "Horaires d'ouverture" in page.text
    created = client.post("/console/admin/agents", data={"csrf_token": token, "name": "carla", "role": "editor",
                                                         "department": "", "password": PASSWORD})
    assert created.status_code == 201 and "affiché une seule fois" in created.text
    shown = re.search(r'<code id="new-token">([^<]+)</code>', created.text)
    assert shown is not None
    assert client.get("/api/handoffs", headers={"Authorization": f"Bearer {shown.group(1)}"}).status_code == 403
    assert shown.group(1) not in client.get("/console/admin").text, "the token is shown once"
    short = client.post("/console/admin/agents", data={"csrf_token": token, "name": "dan", "password": "court"})
    assert short.status_code == 422 and "at least 8" in short.text

    deactivated = client.post(f"/console/admin/agents/{bob}/deactivate", data={"csrf_token": token},
                              follow_redirects=False)
    assert deactivated.status_code == 303
    hours = client.post("/console/admin/opening-hours", follow_redirects=False,
                        data={"csrf_token": token, "day_mon": "08:00-12:00, 13:00-18:00", "day_sat": "09:00-12:00"})
    assert hours.status_code == 303
    assert len(client.app.state.hours.weekly["mon"]) == 2 and client.app.state.hours.weekly["sun"] == []  # type: ignore[attr-defined]
    bad = client.post("/console/admin/opening-hours", data={"csrf_token": token, "day_tue": "toute la journée"})
    assert bad.status_code == 422 and "toute la journée" in bad.text
    department = client.post("/console/admin/departments", data={"csrf_token": token, "slug": "jeunesse",
                                                                 "name": "Jeunesse"}, follow_redirects=False)
    assert department.status_code == 303 and "Jeunesse" in client.get("/console/admin").text
    actions = {action for _, action, _ in audit_rows(client)}
    assert {"admin.agent_create", "admin.agent_deactivate", "admin.opening_hours", "admin.department_add"} <= actions


def test_city_contacts_through_the_api_win_over_the_environment(settings: Settings,
                                                                knowledge_base: KeywordKnowledgeBase) -> None:
    configured = settings.model_copy(update={"city_phone": "01 23 45 67 89", "city_email": "env@ville.fr"})
    app = create_app(configured, knowledge_base_loader=lambda _s, _f: knowledge_base,
                     rasa=RasaClient("http://rasa.test", transport=fake_rasa_transport(knowledge_base)))
    with TestClient(app) as client:
        admin = make_account(client, "root", Role.ADMIN)
        assert client.get("/api/admin/city-contacts", headers=admin).json() == {
            "address": None, "phone": "01 23 45 67 89", "email": "env@ville.fr", "website": None}
        saved = client.put("/api/admin/city-contacts", headers=admin,
                           json={"address": "2 rue de la Paix", "phone": "09 87 65 43 21"})
        assert saved.status_code == 200 and saved.json()["email"] is None, "the saved set wins whole"
        assert client.get("/api/admin/city-contacts", headers=admin).json() == saved.json()
        bad = client.put("/api/admin/city-contacts", headers=admin, json={"phone": "joignable le matin"})
        assert bad.status_code == 422 and "'joignable le matin'" in bad.json()["detail"]
        assert client.get("/api/admin/city-contacts", headers=admin).json() == saved.json()
        agent = make_account(client, "bob", Role.AGENT)
        assert client.put("/api/admin/city-contacts", headers=agent, json={}).status_code == 403
        assert ("root", "admin.city_contacts", "city_contacts") in audit_rows(client)


def test_a_bad_contact_in_the_environment_stops_the_start_naming_it(settings: Settings) -> None:
    with pytest.raises(ValueError, match=re.escape("GUICHET_CITY_EMAIL: 'mairie'")):
        create_app(settings.model_copy(update={"city_email": "mairie"}))


def test_city_contacts_on_the_admin_page(client: TestClient) -> None:
    account(client, "root", Role.ADMIN)
    token = login(client, "root")
    assert "Coordonnées de la mairie" in client.get("/console/admin").text
    saved = client.post("/console/admin/city-contacts", follow_redirects=False,
                        data={"csrf_token": token, "address": "1 place de la Mairie", "phone": "05 56 10 20 30",
                              "email": "", "website": "https://www.ville.fr"})
    assert saved.status_code == 303
    page = client.get("/console/admin?ok=contacts").text
    assert "Coordonnées enregistrées." in page and 'value="05 56 10 20 30"' in page
    bad = client.post("/console/admin/city-contacts", data={"csrf_token": token, "website": "ville point fr",
                                                            "phone": "05 56 10 20 30"})
    assert bad.status_code == 422 and "ville point fr" in bad.text and 'value="05 56 10 20 30"' in bad.text
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        stored = session.get(KeyValue, "city_contacts")
        assert stored is not None and stored.value["website"] == "https://www.ville.fr"
