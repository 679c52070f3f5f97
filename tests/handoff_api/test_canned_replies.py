"""``/api/canned-replies``: agents read, editors and admins write (agents get 403); variables are filled in
per handoff on the conversation page, and the length shown is the channel's."""

from __future__ import annotations

import json
import re
from datetime import datetime

from fastapi.testclient import TestClient

from guichet.crud.canned_replies import fill, next_opening_fr
from guichet.db import session_scope
from guichet.models import Role
from guichet.opening_hours import OpeningHours
from tests.handoff_api.conftest import make_account
from tests.handoff_api.console_client import account, login
from tests.handoff_api.tools_client import db_client, make_handoff

__all__ = ["db_client"]


def test_editors_write_agents_read_and_get_403_on_writes(db_client: TestClient) -> None:
    agent = make_account(db_client, "alice", Role.AGENT)
    editor = make_account(db_client, "eve", Role.EDITOR)
    admin = make_account(db_client, "root", Role.ADMIN)
    created = db_client.post("/api/canned-replies", json={"title": "Accusé de réception",
                                                          "text": "Votre demande {reference} est bien reçue."},
                             headers=editor)
    assert created.status_code == 201
    reply = created.json()
    assert set(reply) == {"id", "title", "text"} and reply["title"] == "Accusé de réception"

    listed = db_client.get("/api/canned-replies", headers=agent)
    assert listed.status_code == 200 and listed.json() == [reply]
    assert db_client.get("/api/canned-replies", headers=editor).json() == [reply]

    for method, path in (("post", "/api/canned-replies"), ("put", f"/api/canned-replies/{reply['id']}")):
        refused = db_client.request(method, path, json={"title": "x", "text": "y"}, headers=agent)
        assert refused.status_code == 403 and "role 'agent'" in refused.json()["detail"]
    assert db_client.delete(f"/api/canned-replies/{reply['id']}", headers=agent).status_code == 403

    changed = db_client.put(f"/api/canned-replies/{reply['id']}",
                            json={"title": "Accusé", "text": "Bien reçu ({department})."}, headers=admin)
    assert changed.status_code == 200 and changed.json() == {"id": reply["id"], "title": "Accusé",
                                                             "text": "Bien reçu ({department})."}
    assert db_client.delete(f"/api/canned-replies/{reply['id']}", headers=editor).status_code == 204
    assert db_client.get("/api/canned-replies", headers=agent).json() == []
    gone = db_client.delete(f"/api/canned-replies/{reply['id']}", headers=editor)
    assert gone.status_code == 404 and f"canned reply {reply['id']} does not exist" in gone.json()["detail"]


def test_bad_replies_are_refused_naming_the_field(db_client: TestClient) -> None:
    editor = make_account(db_client, "eve", Role.EDITOR)
    unknown = db_client.post("/api/canned-replies", json={"title": "T", "text": "Bonjour {prenom}"}, headers=editor)
    assert unknown.status_code == 422 and "unknown variable(s) {prenom}" in unknown.json()["detail"]
    empty = db_client.post("/api/canned-replies", json={"title": "  ", "text": "x"}, headers=editor)
    assert empty.status_code == 422 and empty.json()["detail"].startswith("title:")
    db_client.post("/api/canned-replies", json={"title": "Horaires", "text": "x"}, headers=editor)
    twice = db_client.post("/api/canned-replies", json={"title": "Horaires", "text": "y"}, headers=editor)
    assert twice.status_code == 422 and "already used" in twice.json()["detail"]
    assert db_client.put("/api/canned-replies/999", json={"title": "a", "text": "b"}, headers=editor).status_code == 404


def test_variables_are_filled_for_the_handoff(db_client: TestClient) -> None:
    handoff_id = make_handoff(db_client, said=["bonjour"], department="etat-civil")
    hours = OpeningHours.parse({"mon": ["08:30-12:00", "13:30-17:00"], "tue": ["08:30-12:00"]}, "Europe/Paris")
    monday_morning = datetime.fromisoformat("2026-12-07T09:00:00+01:00")
    assert next_opening_fr(hours, monday_morning) == "lundi 7 décembre à 13 h 30", "open now: the next opening"
    assert next_opening_fr(hours, datetime.fromisoformat("2026-12-07T18:00:00+01:00")) == "mardi 8 décembre à 8 h 30"
    with session_scope(db_client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        from guichet.crud.handoffs import get_handoff

        handoff = get_handoff(session, handoff_id=handoff_id)
        text = fill("Demande {reference} transmise au service {department} ; réouverture {next_opening}.",
                    session=session, handoff=handoff, hours=hours, now=monday_morning)
        assert text == (f"Demande {handoff.reference} transmise au service État civil ; "
                        "réouverture lundi 7 décembre à 13 h 30.")


def test_the_conversation_page_offers_them_filled_in_and_measured(db_client: TestClient) -> None:
    editor = make_account(db_client, "eve", Role.EDITOR)
    long_text = "Merci {reference}. " + "a" * 300
    db_client.post("/api/canned-replies", json={"title": "Court", "text": "Réf. {reference}"}, headers=editor)
    db_client.post("/api/canned-replies", json={"title": "Long", "text": long_text}, headers=editor)
    handoff_id = make_handoff(db_client, said=["question"], channel="x_mention")
    account(db_client, "alice", Role.AGENT)
    token = login(db_client, "alice")
    db_client.post(f"/console/handoffs/{handoff_id}/claim", data={"csrf_token": token})
    page = db_client.get(f"/console/handoffs/{handoff_id}").text
    reference = db_client.get(f"/api/handoffs/{handoff_id}").json()["reference"]
    found = re.search(r'<script type="application/json" id="canned-data">(.*?)</script>', page, re.S)
    assert found is not None
    offered = {item["title"]: item for item in json.loads(found.group(1))}
    assert offered["Court"]["text"] == f"Réf. {reference}" and offered["Court"]["fits"] is True
    assert offered["Long"]["length"] == len(f"Merci {reference}. ") + 300
    assert offered["Long"]["fits"] is False, "more than 280 characters do not fit in an X mention"


def test_the_editors_page_adds_changes_and_deletes(client: TestClient) -> None:
    account(client, "eve", Role.EDITOR)
    token = login(client, "eve")
    added = client.post("/console/canned", data={"csrf_token": token, "title": "Horaires",
                                                 "text": "Nous rouvrons {next_opening}."}, follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"] == "/console/canned?ok=created"
    listed = client.get("/api/canned-replies").json()
    assert [r["title"] for r in listed] == ["Horaires"]
    reply_id = listed[0]["id"]
    wrong = client.post(f"/console/canned/{reply_id}", data={"csrf_token": token, "title": "Horaires",
                                                            "text": "Bonjour {nom}"})
    assert wrong.status_code == 422 and "unknown variable(s) {nom}" in wrong.text
    client.post(f"/console/canned/{reply_id}", data={"csrf_token": token, "title": "Réouverture", "text": "Demain."})
    assert client.get("/api/canned-replies").json() == [{"id": reply_id, "title": "Réouverture", "text": "Demain."}]
    client.post(f"/console/canned/{reply_id}/delete", data={"csrf_token": token})
    assert client.get("/api/canned-replies").json() == []
    assert client.post(f"/console/canned/{reply_id}/delete", data={"csrf_token": token}).status_code == 404

    account(client, "alice", Role.AGENT)
    client.cookies.clear()
    login(client, "alice")
    assert client.get("/console/canned", follow_redirects=False).status_code == 403, "agents do not edit them"
