"""The editors' API and the search route, through the real app on the hashing encoder."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from guichet.crud.agents import create_agent
from guichet.db import session_scope
from guichet.models import AuditEntry, Role, SearchLog
from guichet.settings import Settings
from handoff_api.main import create_app
from knowledge_base.loader import load_knowledge_base
from knowledge_base.service import KnowledgeBase

NEW = {"id": "mairie-wifi", "question": "Y a-t-il du wifi gratuit à la mairie ?",
       "answer": "Oui, le réseau Mairie-Libre est ouvert à tous dans le hall.", "department": "accueil",
       "tags": ["wifi"], "variants": ["internet gratuit mairie"]}


@pytest.fixture
def app_client(tmp_path: Path, sample_file: Path) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    settings = Settings(var_dir=tmp_path, embedding_model="hashing", faq_path=sample_file, seed_faq_on_start=True,
                        service_token="service-secret")
    loaded: list[KnowledgeBase] = []

    def loader(settings: Settings, session_factory: sessionmaker[Session]) -> KnowledgeBase:
        knowledge_base = load_knowledge_base(settings, session_factory)
        knowledge_base.sync_seconds = -1  # this test sees only the API's own refreshes
        loaded.append(knowledge_base)
        return knowledge_base

    app = create_app(settings, knowledge_base_loader=loader)
    with session_scope(app.state.session_factory) as session:
        tokens = {role.value: create_agent(session, name=role.value, role=role)[1]
                  for role in (Role.EDITOR, Role.AGENT)}
    headers = {name: {"Authorization": f"Bearer {token}"} for name, token in tokens.items()}
    headers["service"] = {"Authorization": "Bearer service-secret"}
    with TestClient(app) as client:
        for _ in range(200):
            if app.state.knowledge_base is not None or app.state.knowledge_base_error is not None:
                break
            time.sleep(0.05)
        assert app.state.knowledge_base_error is None and loaded
        yield client, headers


def search(client: TestClient, headers: dict[str, str], text: str, **extra: Any) -> dict[str, Any]:
    response = client.post("/api/kb/search", json={"text": text, "top_k": 3, **extra}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_editor_lifecycle(app_client: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, headers = app_client
    editor = headers["editor"]
    created = client.post("/api/kb/entries", json=NEW, headers=editor)
    assert created.status_code == 201 and created.json()["status"] == "draft"
    # a draft is not searchable
    assert "mairie-wifi" not in [h["id"] for h in search(client, editor, "wifi gratuit mairie")["hits"]]
    published = client.post("/api/kb/entries/mairie-wifi/publish", headers=editor)
    assert published.json()["status"] == "published"
    assert search(client, headers["service"], "wifi gratuit mairie")["hits"][0]["id"] == "mairie-wifi"
    # an edit is searched at once
    changed = client.put("/api/kb/entries/mairie-wifi", json={**NEW, "answer": "Le wifi est coupé."}, headers=editor)
    assert changed.status_code == 200 and changed.json()["status"] == "published" and changed.json()["version"] == 3
    hit = search(client, headers["agent"], "wifi gratuit mairie")["hits"][0]
    assert (hit["id"], hit["answer"]) == ("mairie-wifi", "Le wifi est coupé.")
    assert client.get("/api/kb/entries/mairie-wifi", headers=editor).json()["answer"] == "Le wifi est coupé."
    listing = client.get("/api/kb/entries", params={"q": "wifi", "status": "published"}, headers=editor).json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == "mairie-wifi"
    assert client.get("/api/kb/entries", params={"tag": "piscine", "limit": 1}, headers=editor).json()["total"] == 2
    assert client.delete("/api/kb/entries/mairie-wifi", headers=editor).status_code == 204
    assert "mairie-wifi" not in [h["id"] for h in search(client, editor, "wifi gratuit mairie")["hits"]]
    assert client.get("/api/kb/entries/mairie-wifi", headers=editor).json()["status"] == "deleted"
    revisions = client.get("/api/kb/entries/mairie-wifi/revisions", headers=editor).json()
    assert [r["action"] for r in revisions] == ["create", "publish", "update", "delete"]
    assert revisions[2]["before"]["answer"] == NEW["answer"] and revisions[2]["actor"] == "editor"
    app = client.app
    with session_scope(app.state.session_factory) as session:  # type: ignore[attr-defined]
        actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.target == "kb:mairie-wifi")))
    assert actions == ["kb.create", "kb.publish", "kb.update", "kb.delete"]


def test_roles(app_client: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, headers = app_client
    for role in ("agent", "service"):
        assert client.post("/api/kb/entries", json=NEW, headers=headers[role]).status_code == 403
        assert client.put("/api/kb/entries/piscines-tarifs", json=NEW, headers=headers[role]).status_code == 403
        assert client.delete("/api/kb/entries/piscines-tarifs", headers=headers[role]).status_code == 403
        assert client.get("/api/kb/entries", headers=headers[role]).status_code == 403
    assert client.post("/api/kb/search", json={"text": "piscine"}).status_code == 401


def test_not_found_and_invalid(app_client: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, headers = app_client
    editor = headers["editor"]
    for method, path in (("GET", "/api/kb/entries/nope"), ("DELETE", "/api/kb/entries/nope"),
                         ("GET", "/api/kb/entries/nope/revisions"), ("POST", "/api/kb/entries/nope/publish")):
        response = client.request(method, path, headers=editor)
        assert response.status_code == 404 and "'nope'" in response.json()["detail"]
    assert client.put("/api/kb/entries/nope", json={**NEW, "id": None}, headers=editor).status_code == 404
    too_long = client.post("/api/kb/entries", json={**NEW, "answer": "x" * 300}, headers=editor)
    assert too_long.status_code == 422 and "300 weighted characters" in too_long.json()["detail"]
    bad_department = client.post("/api/kb/entries", json={**NEW, "department": "lune"}, headers=editor)
    assert bad_department.status_code == 422 and "'lune'" in bad_department.json()["detail"]
    assert client.post("/api/kb/entries", json={**NEW, "id": None}, headers=editor).status_code == 422
    assert client.post("/api/kb/entries", json={"question": "?"}, headers=editor).status_code == 422
    duplicate = client.post("/api/kb/entries", json={**NEW, "id": "piscines-tarifs"}, headers=editor)
    assert duplicate.status_code == 409
    mismatch = client.put("/api/kb/entries/piscines-tarifs", json=NEW, headers=editor)
    assert mismatch.status_code == 422 and "differs" in mismatch.json()["detail"]
    assert client.get("/api/kb/entries", params={"status": "x"}, headers=editor).status_code == 422
    for body in ({"text": ""}, {"text": "   "}, {"text": "piscine", "top_k": 0}, {}):
        response = client.post("/api/kb/search", json=body, headers=headers["service"])
        assert response.status_code == 422, body


def test_search_contract_and_log(app_client: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, headers = app_client
    body = search(client, headers["service"], "horaires piscine dimanche", conversation_id="c0ffee")
    assert set(body) == {"query", "decision", "hits"} and body["decision"] in ("answer", "clarify", "handoff")
    assert body["hits"][0]["id"] == "piscines-horaires"
    assert set(body["hits"][0]) == {"id", "score", "question", "answer", "department", "url"}
    assert search(client, headers["service"], "🙂👍") == {"query": "🙂👍", "decision": "handoff", "hits": []}
    long = search(client, headers["service"], "horaires de la piscine " * 500)
    assert long["hits"]
    app = client.app
    with session_scope(app.state.session_factory) as session:  # type: ignore[attr-defined]
        logs = list(session.scalars(select(SearchLog).order_by(SearchLog.id)))
    assert [(log.conversation_id, log.top_id) for log in logs[:2]] == [("c0ffee", "piscines-horaires"), (None, None)]
    assert logs[0].decision == body["decision"] and logs[0].text == "horaires piscine dimanche"


def test_an_edit_without_details_keeps_them(app_client: tuple[TestClient, dict[str, dict[str, str]]]) -> None:
    client, headers = app_client
    editor = headers["editor"]
    details = "Le code du réseau est affiché à l'accueil. Il change chaque lundi."
    created = client.post("/api/kb/entries", json={**NEW, "details": details}, headers=editor)
    assert created.status_code == 201 and created.json()["details"] == details
    kept = client.put("/api/kb/entries/mairie-wifi", json={**NEW, "answer": "Oui, dans le hall."}, headers=editor)
    assert kept.status_code == 200 and kept.json()["details"] == details
    cleared = client.put("/api/kb/entries/mairie-wifi", json={**NEW, "details": ""}, headers=editor)
    assert cleared.status_code == 200 and cleared.json()["details"] == ""
    too_long = client.put("/api/kb/entries/mairie-wifi", json={**NEW, "details": "x" * 20_001}, headers=editor)
    assert too_long.status_code == 422 and "details is 20001 characters long" in too_long.text
    assert client.get("/api/kb/entries/mairie-wifi", headers=editor).json()["details"] == ""
