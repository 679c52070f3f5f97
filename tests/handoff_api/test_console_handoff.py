"""The conversation page: escaped transcript, length limits per channel, transfer, notes, FAQ drafts, audit."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from guichet.contract.limits import measure
from guichet.crud import conversations as conv_crud
from guichet.crud import handoffs as handoff_crud
from guichet.db import session_scope
from guichet.models import AuditEntry, EntryStatus, KBEntry, KBRevision, Role
from knowledge_base.types import PageElsewhere
from knowledge_base.validation import weighted_length
from testing.fakes import HeldBackKnowledgeBase
from tests.handoff_api.console_client import account, login

XSS = "<script>alert(1)</script> mon dossier de succession"


def handoff_from_citizen(client: TestClient, citizen: tuple[str, dict[str, str]], text: str = XSS) -> int:
    conversation_id, headers = citizen
    response = client.post(f"/api/webchat/conversations/{conversation_id}/messages", json={"text": text},
                           headers=headers)
    assert response.json()["replies"][0]["kind"] == "handoff"
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        handoff = handoff_crud.open_handoff_of(session, conversation_id=conversation_id)
        assert handoff is not None
        return handoff.id


def x_mention_handoff(client: TestClient) -> int:
    state = client.app.state  # type: ignore[attr-defined]
    with session_scope(state.session_factory) as session:
        conversation = conv_crud.conversation_for_ref(session, channel="x_mention", external_ref="tweet-1",
                                                      citizen_handle="@habitante")
        conv_crud.add_inbound(session, conversation=conversation, text="Le lampadaire est cassé rue Hugo",
                              channel="x_mention", external_id="tweet-1")
        handoff, _ = handoff_crud.create_handoff(session, conversation=conversation, department="eclairage",
                                                 reason="report_problem", summary="lampadaire", hours=state.hours,
                                                 first_response_hours=8, reopen_window=timedelta(hours=72))
        return handoff.id


def test_citizen_text_is_escaped_and_notes_are_set_apart(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    handoff_id = handoff_from_citizen(client, citizen)
    account(client, "alice", Role.AGENT)
    token = login(client, "alice")
    queue = client.get("/console")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in queue.text and "<script>alert(1)" not in queue.text
    client.post(f"/console/handoffs/{handoff_id}/note", data={"csrf_token": token, "text": "<b>rappeler</b> demain"})
    page = client.get(f"/console/handoffs/{handoff_id}")
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt; mon dossier de succession" in page.text
    assert "<script>alert(1)" not in page.text and "<b>rappeler</b>" not in page.text
    transcript = page.text[page.text.index('id="transcript"'):]
    assert transcript.index("msg-citizen") < transcript.index("msg-bot") < transcript.index("msg-note")
    assert "Note interne" in transcript and "invisible pour l'usager" in transcript
    assert "Suggestions de la FAQ" in page.text and "Les piscines ouvrent de 7h à 20h." in page.text


def test_claim_reply_resolve_through_the_page(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    conversation_id, headers = citizen
    handoff_id = handoff_from_citizen(client, citizen)
    account(client, "alice", Role.AGENT)
    token = login(client, "alice")
    assert "Prenez la demande en charge pour répondre." in client.get(f"/console/handoffs/{handoff_id}").text
    claimed = client.post(f"/console/handoffs/{handoff_id}/claim", data={"csrf_token": token}, follow_redirects=False)
    assert claimed.status_code == 303 and claimed.headers["location"] == f"/console/handoffs/{handoff_id}?ok=claim"
    page = client.get(claimed.headers["location"])
    assert "Demande prise en charge." in page.text and 'id="reply"' in page.text
    assert 'data-limit="5000"' in page.text and 'data-weighted="false"' in page.text
    again = client.post(f"/console/handoffs/{handoff_id}/claim", data={"csrf_token": token})
    assert again.status_code == 409 and "Action impossible" in again.text
    reply = client.post(f"/console/handoffs/{handoff_id}/reply",
                        data={"csrf_token": token, "text": "Bonjour, c'est noté."}, follow_redirects=False)
    assert reply.status_code == 303
    seen = client.get(f"/api/webchat/conversations/{conversation_id}/messages", headers=headers).json()["messages"]
    assert seen[-1]["author"] == "agent" and seen[-1]["text"] == "Bonjour, c'est noté."
    resolved = client.post(f"/console/handoffs/{handoff_id}/resolve", data={"csrf_token": token},
                           follow_redirects=False)
    assert resolved.status_code == 303
    assert "résolue" in client.get(f"/console/handoffs/{handoff_id}").text
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        actions = [(a.actor, a.action, a.target) for a in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    target = f"handoff:{handoff_id}"
    for action in ("handoff.claim", "handoff.reply", "handoff.resolve"):
        assert ("alice", action, target) in actions


def test_reply_over_the_x_limit_is_422_naming_the_weighted_length(client: TestClient) -> None:
    handoff_id = x_mention_handoff(client)
    account(client, "alice", Role.AGENT)
    token = login(client, "alice")
    client.post(f"/console/handoffs/{handoff_id}/claim", data={"csrf_token": token})
    page = client.get(f"/console/handoffs/{handoff_id}")
    assert 'data-limit="280"' in page.text and 'data-weighted="true"' in page.text
    text = "Voir https://www.ville.fr/eclairage 🙂 " + "日" * 125
    length = measure("x_mention", text)
    assert len(text) < 280 < length, "the weighting (URL 23, emoji and CJK 2) is what makes it too long"
    response = client.post(f"/console/handoffs/{handoff_id}/reply", data={"csrf_token": token, "text": text})
    assert response.status_code == 422
    assert f"Votre réponse fait {length} caractères pondérés" in response.text and "est de 280" in response.text
    assert "Voir https://www.ville.fr/eclairage" in response.text, "the draft is kept in the reply box"
    api = client.post(f"/api/handoffs/{handoff_id}/reply", json={"text": text},
                      headers={"X-CSRF-Token": token})
    assert api.status_code == 422 and api.json()["length"] == length and str(length) in api.json()["detail"]
    fits = client.post(f"/console/handoffs/{handoff_id}/reply", data={"csrf_token": token, "text": "C'est réparé."},
                       follow_redirects=False)
    assert fits.status_code == 303


def test_transfer_to_an_unknown_department_is_404(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    handoff_id = handoff_from_citizen(client, citizen)
    account(client, "alice", Role.AGENT)
    bob = account(client, "bob", Role.AGENT, department="voirie")
    token = login(client, "alice")
    unknown = client.post(f"/console/handoffs/{handoff_id}/transfer",
                          data={"csrf_token": token, "department": "astronautique"})
    assert unknown.status_code == 404 and "astronautique" in unknown.text
    api = client.post(f"/api/handoffs/{handoff_id}/transfer", json={"department": "astronautique"},
                      headers={"X-CSRF-Token": token})
    assert api.status_code == 404 and "'astronautique'" in api.json()["detail"]
    moved = client.post(f"/console/handoffs/{handoff_id}/transfer",
                        data={"csrf_token": token, "department": "voirie", "agent_id": str(bob)},
                        follow_redirects=False)
    assert moved.status_code == 303
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        handoff = handoff_crud.get_handoff(session, handoff_id=handoff_id)
        assert (handoff.department, handoff.agent_id, handoff.status) == ("voirie", bob, "assigned")


def test_save_a_reply_as_a_draft_faq_entry(client: TestClient, citizen, knowledge_base) -> None:  # type: ignore[no-untyped-def]
    question = "Comment obtenir un acte de décès ? Écrivez-moi à jeanne.dupont@example.org"
    handoff_id = handoff_from_citizen(client, citizen, question)
    account(client, "alice", Role.AGENT)
    token = login(client, "alice")
    client.post(f"/console/handoffs/{handoff_id}/claim", data={"csrf_token": token})
    long_reply = "Vous pouvez demander un acte de décès en ligne sur le site de la Ville, " * 6
    client.post(f"/console/handoffs/{handoff_id}/reply", data={"csrf_token": token, "text": long_reply.strip()})
    page = client.get(f"/console/handoffs/{handoff_id}")
    message_id = int(re.findall(r'name="message_id" value="(\d+)"', page.text)[-1])
    saved = client.post(f"/console/handoffs/{handoff_id}/draft", data={"csrf_token": token, "message_id": message_id},
                        follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].endswith("?ok=draft")
    twice = client.post(f"/console/handoffs/{handoff_id}/draft", data={"csrf_token": token, "message_id": message_id})
    assert twice.status_code == 409 and "already exists" in twice.text
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        entry = session.scalars(select(KBEntry)).one()
        handoff = handoff_crud.get_handoff(session, handoff_id=handoff_id)
        assert entry.id == f"brouillon-{handoff.reference.lower()}-{message_id}"
        assert entry.status == EntryStatus.DRAFT.value and entry.source == "agent:alice"
        assert entry.department == handoff.department
        assert entry.question == "Comment obtenir un acte de décès ? Écrivez-moi à [email]"
        assert weighted_length(entry.answer) <= 280 and entry.answer.endswith("…")
        assert long_reply.startswith(entry.answer[:-1])
        revision = session.scalars(select(KBRevision).where(KBRevision.entry_id == entry.id)).one()
        assert revision.after is not None
        assert (revision.actor, revision.action, revision.after["status"]) == ("alice", "create", "draft")
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "kb.draft_from_reply")).one()
        assert audit.actor == "alice" and audit.target == f"kb:{entry.id}"
    assert [entry.id] in knowledge_base.refreshed


def test_a_citizen_message_cannot_be_saved_as_a_draft(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    handoff_id = handoff_from_citizen(client, citizen)
    account(client, "alice", Role.AGENT)
    token = login(client, "alice")
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        first = conv_crud.transcript(session, conversation_id=citizen[0])[0]
    refused = client.post(f"/console/handoffs/{handoff_id}/draft", data={"csrf_token": token, "message_id": first.id})
    assert refused.status_code == 404 and f"message {first.id} is not an agent reply" in refused.text


def test_suggestions_unavailable_while_the_knowledge_base_loads(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    handoff_id = handoff_from_citizen(client, citizen)
    account(client, "alice", Role.AGENT)
    login(client, "alice")
    client.app.state.knowledge_base = None  # type: ignore[attr-defined]
    page = client.get(f"/console/handoffs/{handoff_id}")
    assert page.status_code == 200 and "Suggestions indisponibles" in page.text


def test_the_agent_sees_the_service_public_page_that_held_the_answer_back(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    handoff_id = handoff_from_citizen(client, citizen)
    account(client, "alice", Role.AGENT)
    token = login(client, "alice")
    assert "page-elsewhere" not in client.get(f"/console/handoffs/{handoff_id}").text
    page = PageElsewhere(id="F1178", title="Bonus écologique pour un véhicule électrique", lead=0.031,
                         url="https://www.service-public.fr/particuliers/vosdroits/F1178")
    client.app.state.knowledge_base = HeldBackKnowledgeBase(page)  # type: ignore[attr-defined]
    shown = client.get(f"/console/handoffs/{handoff_id}").text
    side = shown[shown.index("Suggestions de la FAQ"):]
    assert "Service-public.fr a une page plus proche" in side and f'href="{page.url}"' in side
    assert "Bonus écologique pour un véhicule électrique" in side and "écrivez une entrée" not in side
    assert "Insérer le lien" not in side  # the agent has not claimed it: nothing to reply with
    client.post(f"/console/handoffs/{handoff_id}/claim", data={"csrf_token": token})
    claimed = client.get(f"/console/handoffs/{handoff_id}").text
    assert f'data-insert="Service-public.fr répond à cette question : {page.url}"' in claimed


def test_unknown_handoff_page_is_404(client: TestClient) -> None:
    account(client, "alice", Role.AGENT)
    login(client, "alice")
    page = client.get("/console/handoffs/999")
    assert page.status_code == 404 and "La demande n° 999 n&#39;existe pas." in page.text


def test_queue_filters_and_sla_order(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    web = handoff_from_citizen(client, citizen)
    x = x_mention_handoff(client)
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        late = handoff_crud.get_handoff(session, handoff_id=x)
        late.first_response_due = late.created_at - timedelta(hours=1)
    account(client, "alice", Role.AGENT)
    login(client, "alice")
    rows = client.get("/console/queue/rows").text
    assert rows.index(f"/console/handoffs/{x}") < rows.index(f"/console/handoffs/{web}"), "due first"
    assert "dépassé de 1 h" in rows and 'class="late"' in rows
    only_x = client.get("/console/queue/rows?channel=x_mention").text
    assert f"/console/handoffs/{x}" in only_x and f"/console/handoffs/{web}" not in only_x
    on_time = client.get("/console/queue/rows?breached=0").text
    assert f"/console/handoffs/{web}" in on_time and f"/console/handoffs/{x}" not in on_time
    assert "Aucune demande" in client.get("/console/queue/rows?department=voirie").text
    page = client.get("/console?breached=1")
    assert 'value="1" selected' in page.text and f"/console/handoffs/{x}" in page.text
