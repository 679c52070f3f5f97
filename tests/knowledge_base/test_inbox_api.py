"""The training inbox's API through the real app on the hashing encoder: items, actions, access, audit."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from guichet.db import session_scope
from guichet.models import (
    AuditEntry,
    Feedback,
    FeedbackKind,
    FeedbackSource,
    InboxItem,
    KBEntry,
    KBRevision,
    OffTopicExample,
    OffTopicRevision,
)
from knowledge_base.inbox_store import labelled_questions
from knowledge_base.types import PageElsewhere
from testing.fakes import HeldBackKnowledgeBase
from tests.knowledge_base import test_api

Client = tuple[TestClient, dict[str, dict[str, str]]]
app_client = test_api.app_client  # the fixture: the app on the sample FAQ
search = test_api.search


def inbox(client: TestClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = client.get("/api/kb/inbox", params=params, headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_citizen_questions_reach_the_inbox_masked_newest_first(app_client: Client) -> None:
    client, headers = app_client
    search(client, headers["service"], "horaires piscine dimanche, rappelez-moi au 06 12 34 56 78",
           conversation_id="c1")
    search(client, headers["service"], "prix entrée piscine", conversation_id="c2")
    search(client, headers["editor"], "un test d'éditeur sans conversation")
    items = inbox(client, headers["editor"])
    assert [item["text"] for item in items] == ["prix entrée piscine",
                                                "horaires piscine dimanche, rappelez-moi au [téléphone]"]
    first = items[0]
    assert {"id", "text", "decision", "hits", "feedback"} <= set(first)
    assert first["feedback"] is None and first["decision"] in ("answer", "clarify", "handoff")
    assert 1 <= len(first["hits"]) <= 3 and {"id", "score", "question"} <= set(first["hits"][0])
    assert first["agent"] == {"handoff": None, "label": None}
    assert first["page"] is None  # no Service-public.fr page held an answer back


def test_the_page_that_held_the_answer_back_is_kept_with_the_question(app_client: Client) -> None:
    client, headers = app_client
    page = PageElsewhere(id="F1178", title="Bonus écologique pour un véhicule électrique", lead=0.031,
                         url="https://www.service-public.fr/particuliers/vosdroits/F1178")
    client.app.state.knowledge_base = HeldBackKnowledgeBase(page)  # type: ignore[attr-defined]
    found = search(client, headers["service"], "une aide pour une voiture électrique ?", conversation_id="c7")
    assert found["decision"] != "answer"
    [item] = inbox(client, headers["editor"])
    assert item["page"] == {"id": "F1178", "title": "Bonus écologique pour un véhicule électrique",
                            "url": "https://www.service-public.fr/particuliers/vosdroits/F1178", "lead": 0.031}


def test_only_editors_and_admins(app_client: Client) -> None:
    client, headers = app_client
    assert client.get("/api/kb/inbox").status_code == 401
    assert client.get("/api/kb/inbox", headers=headers["agent"]).status_code == 403
    assert client.post("/api/kb/inbox/1/confirm", json={"entry_id": "x"}, headers=headers["agent"]).status_code == 403
    assert client.post("/api/kb/inbox/1/out-of-scope", headers=headers["service"]).status_code == 403


def test_confirm_adds_a_variant_searched_at_once_audited_and_labelled(app_client: Client) -> None:
    client, headers = app_client
    question = "combien pour nager une séance, mon mail est jean@exemple.fr"
    search(client, headers["service"], question, conversation_id="c3")
    item = inbox(client, headers["editor"])[0]
    confirmed = client.post(f"/api/kb/inbox/{item['id']}/confirm", json={"entry_id": "piscines-tarifs"},
                            headers=headers["editor"])
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed" and confirmed.json()["entry_id"] == "piscines-tarifs"
    masked = "combien pour nager une séance, mon mail est [email]"
    assert search(client, headers["service"], masked)["hits"][0]["id"] == "piscines-tarifs"
    again = client.post(f"/api/kb/inbox/{item['id']}/dismiss", headers=headers["editor"])
    assert again.status_code == 409
    assert inbox(client, headers["editor"]) == []
    assert [i["status"] for i in inbox(client, headers["editor"], status="all")] == ["confirmed"]
    app = client.app
    with session_scope(app.state.session_factory) as session:  # type: ignore[attr-defined]
        entry = session.get(KBEntry, "piscines-tarifs")
        assert entry is not None and masked in entry.variants
        revision = session.scalars(select(KBRevision).where(KBRevision.entry_id == "piscines-tarifs")
                                   .order_by(KBRevision.id.desc())).first()
        assert revision is not None and revision.action == "inbox" and revision.actor == "editor"
        assert masked not in (revision.before or {})["variants"]
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "kb.inbox.confirmed")) is not None
        labelled = labelled_questions(session)
    assert [(q.text, q.expected) for q in labelled] == [(masked, "piscines-tarifs")]


def test_unknown_entry_and_item(app_client: Client) -> None:
    client, headers = app_client
    search(client, headers["service"], "piscine", conversation_id="c4")
    item = inbox(client, headers["editor"])[0]
    refused = client.post(f"/api/kb/inbox/{item['id']}/confirm", json={"entry_id": "nope"}, headers=headers["editor"])
    assert refused.status_code == 404 and "nope" in refused.json()["detail"]
    assert inbox(client, headers["editor"])[0]["status"] == "open"
    assert client.post("/api/kb/inbox/999/dismiss", headers=headers["editor"]).status_code == 404


def test_out_of_scope_new_entry_and_dismiss(app_client: Client) -> None:
    client, headers = app_client
    for number, text in enumerate(("quel temps fera-t-il demain", "où acheter un vélo électrique",
                                   "bonjour bonjour")):
        search(client, headers["service"], text, conversation_id=f"o{number}")
    dismissed, drafted, off = inbox(client, headers["editor"])
    response = client.post(f"/api/kb/inbox/{off['id']}/out-of-scope", headers=headers["editor"])
    assert response.status_code == 200 and response.json()["status"] == "out_of_scope"
    created = client.post(f"/api/kb/inbox/{drafted['id']}/new-entry", headers=headers["editor"])
    assert created.status_code == 201, created.text
    draft_id = created.json()["entry_id"]
    assert client.post(f"/api/kb/inbox/{dismissed['id']}/dismiss", headers=headers["editor"]).status_code == 200
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        example = session.scalar(select(OffTopicExample).where(OffTopicExample.text == "quel temps fera-t-il demain"))
        assert example is not None and example.source == "inbox"  # holds its neighbours back, sets no level
        revision = session.scalar(select(OffTopicRevision).where(OffTopicRevision.example_id == example.id))
        assert revision is not None and revision.after is not None and revision.after["source"] == "inbox"
        written = {e.source for e in session.scalars(select(OffTopicExample).where(OffTopicExample.id != example.id))}
        draft = session.get(KBEntry, draft_id)
        assert draft is not None and draft.status == "draft" and draft.question == "où acheter un vélo électrique"
        statuses = {i.text: i.status for i in session.scalars(select(InboxItem))}
        labelled = [(q.text, q.expected) for q in labelled_questions(session)]
    assert statuses["bonjour bonjour"] == "dismissed"
    assert labelled == [("quel temps fera-t-il demain", None)]
    assert written == {"list"}  # the seeded list


def test_an_item_shows_the_citizens_verdict_on_the_answer_its_search_produced(app_client: Client) -> None:
    client, headers = app_client
    search(client, headers["service"], "horaires de la piscine le dimanche", conversation_id="c9")
    search(client, headers["service"], "prix entrée piscine", conversation_id="c10")
    app = client.app
    with session_scope(app.state.session_factory) as session:  # type: ignore[attr-defined]
        rated = session.scalars(select(InboxItem).where(InboxItem.conversation_id == "c9")).one()
        session.add(Feedback(kind=FeedbackKind.ANSWER.value, helpful=False, source=FeedbackSource.BUTTON.value,
                             channel="webchat", search_log_id=rated.search_log_id))
    by_text = {item["text"]: item["feedback"] for item in inbox(client, headers["editor"])}
    assert by_text == {"horaires de la piscine le dimanche": False, "prix entrée piscine": None}
