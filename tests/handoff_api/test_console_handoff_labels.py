"""Agents label while they resolve: the pair (question, entry or "should not answer") lands in the inbox."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from guichet.db import session_scope
from guichet.models import AuditEntry, Handoff, InboxItem, KBEntry, Role
from handoff_api.handoff_suggestions import handoff_question
from knowledge_base.store import create_entry
from knowledge_base.validation import EntryData
from testing.fakes import FAQ
from tests.handoff_api.console_client import account, login
from tests.handoff_api.test_console_handoff import handoff_from_citizen

QUESTION = "ma question sur la succession, joignable au 06 12 34 56 78"


def claimed(client: TestClient, citizen: tuple[str, dict[str, str]], text: str = QUESTION) -> tuple[int, str]:
    """The FAQ seeded, a handoff from the citizen's ``text``, claimed by an agent: (its id, the agent's token)."""
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        for entry_id, (question, answer, department) in FAQ.items():
            create_entry(session, data=EntryData(id=entry_id, question=question, answer=answer,
                                                 department=department), actor="seed")
    handoff_id = handoff_from_citizen(client, citizen, text)
    account(client, "alice", Role.AGENT)
    token = login(client, "alice")
    client.post(f"/console/handoffs/{handoff_id}/claim", data={"csrf_token": token})
    return handoff_id, token


def test_resolving_with_an_entry_label_proposes_it_in_the_inbox(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    handoff_id, token = claimed(client, citizen)
    page = client.get(f"/console/handoffs/{handoff_id}")
    entry_id = next(iter(FAQ))
    assert f'value="entry:{entry_id}"' in page.text and 'value="off_topic"' in page.text
    done = client.post(f"/console/handoffs/{handoff_id}/resolve",
                       data={"csrf_token": token, "label": f"entry:{entry_id}"}, follow_redirects=False)
    assert done.status_code == 303
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        item = session.scalars(select(InboxItem)).one()
        assert item.text == "ma question sur la succession, joignable au [téléphone]"
        assert item.status == "open" and item.proposal is not None
        assert (item.proposal["by"], item.proposal["entry_id"], item.proposal["handoff_id"]) == (
            "alice", entry_id, handoff_id)
        entry = session.get(KBEntry, entry_id)
        assert entry is not None and item.text not in entry.variants  # a proposal, never a variant by itself
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "kb.inbox.proposal")) is not None


def test_the_off_topic_label_and_a_bad_label(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    handoff_id, token = claimed(client, citizen)
    bad = client.post(f"/console/handoffs/{handoff_id}/resolve", data={"csrf_token": token, "label": "entry:nope"})
    assert bad.status_code == 422 and "entry:nope" in bad.text
    done = client.post(f"/console/handoffs/{handoff_id}/resolve", data={"csrf_token": token, "label": "off_topic"},
                       follow_redirects=False)
    assert done.status_code == 303
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        item = session.scalars(select(InboxItem)).one()
        assert item.proposal is not None and item.proposal["out_of_scope"] is True


def test_suggestions_follow_the_question_the_handoff_follows_not_the_last_words(  # type: ignore[no-untyped-def]
        client: TestClient, citizen) -> None:
    handoff_id, _ = claimed(client, citizen)
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None and handoff_question(session, handoff=handoff) is None  # nothing searched
        session.add(InboxItem(conversation_id=handoff.conversation_id, text="horaires de la piscine le dimanche",
                              decision="clarify", hits=[], created_at=handoff.created_at - timedelta(seconds=30)))
        session.add(InboxItem(conversation_id=handoff.conversation_id, text="asked after the handoff",
                              decision="answer", hits=[], created_at=handoff.created_at + timedelta(minutes=5)))
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None
        assert handoff_question(session, handoff=handoff) == "horaires de la piscine le dimanche"
    page = client.get(f"/console/handoffs/{handoff_id}")
    assert "horaires de la piscine le dimanche" in page.text


def test_the_json_api_resolves_with_a_label_too(client: TestClient, citizen, agent_headers) -> None:  # type: ignore[no-untyped-def]
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        for entry_id, (question, answer, department) in FAQ.items():
            create_entry(session, data=EntryData(id=entry_id, question=question, answer=answer,
                                                 department=department), actor="seed")
    handoff_id = handoff_from_citizen(client, citizen, QUESTION)
    assert client.post(f"/api/handoffs/{handoff_id}/claim", headers=agent_headers).status_code == 200
    bad = client.post(f"/api/handoffs/{handoff_id}/resolve", json={"label": "entry:nope"}, headers=agent_headers)
    assert bad.status_code == 422 and "entry:nope" in bad.text
    assert client.get(f"/api/handoffs/{handoff_id}", headers=agent_headers).json()["status"] == "assigned"  # kept open
    entry_id = next(iter(FAQ))
    done = client.post(f"/api/handoffs/{handoff_id}/resolve", json={"label": f"entry:{entry_id}"},
                       headers=agent_headers)
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        item = session.scalars(select(InboxItem)).one()
        assert item.text == "ma question sur la succession, joignable au [téléphone]" and item.proposal is not None
        assert (item.proposal["by"], item.proposal["entry_id"], item.proposal["handoff_id"]) == (
            "alice", entry_id, handoff_id)
        assert session.scalar(select(AuditEntry).where(AuditEntry.action == "kb.inbox.proposal")) is not None


def test_the_json_api_resolves_without_a_body_as_before(client: TestClient, citizen, agent_headers) -> None:  # type: ignore[no-untyped-def]
    handoff_id = handoff_from_citizen(client, citizen, QUESTION)
    client.post(f"/api/handoffs/{handoff_id}/claim", headers=agent_headers)
    done = client.post(f"/api/handoffs/{handoff_id}/resolve", headers=agent_headers)
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        assert all(item.proposal is None for item in session.scalars(select(InboxItem)))


def resolved_with_the_first_entry(client: TestClient, handoff_id: int, token: str) -> InboxItem:
    """Resolved with "the FAQ's first entry answers this": the inbox item the label landed on."""
    done = client.post(f"/console/handoffs/{handoff_id}/resolve",
                       data={"csrf_token": token, "label": f"entry:{next(iter(FAQ))}"}, follow_redirects=False)
    assert done.status_code == 303
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        item = session.scalars(select(InboxItem)).one()
        assert item.proposal is not None and item.proposal["entry_id"] == next(iter(FAQ))
        session.expunge(item)
        return item


def test_the_question_the_bot_names_serves_when_nothing_was_searched(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    """A question read as a report reaches no search; the citizen then asks for a person. The bot's handoff names
    the question (``details.question``): the suggestions and the inbox proposal are made of it, not of the
    request for a person."""
    handoff_id, token = claimed(client, citizen, "je voudrais parler à une personne de la mairie")
    named = "quels sont les horaires de la piscine, tél 06 12 34 56 78"
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None and handoff_question(session, handoff=handoff) is None
        handoff.details = {**(handoff.details or {}), "question": named}
    assert named in client.get(f"/console/handoffs/{handoff_id}").text
    item = resolved_with_the_first_entry(client, handoff_id, token)
    assert item.text == "quels sont les horaires de la piscine, tél [téléphone]"


def test_who_asks_for_a_person_at_once_tells_the_person_the_question(client: TestClient, citizen) -> None:  # type: ignore[no-untyped-def]
    """Nothing searched, no question before the request for a person: the citizen's first message to the person
    is what the label proposes (not "je veux parler à quelqu'un", not their last "merci")."""
    handoff_id, token = claimed(client, citizen, "je veux parler à quelqu'un")
    conversation_id, headers = citizen
    for text in ("c'est pour les horaires de la piscine le dimanche", "merci beaucoup"):
        sent = client.post(f"/api/webchat/conversations/{conversation_id}/messages", json={"text": text},
                           headers=headers)
        assert sent.status_code in (200, 201, 202), sent.text
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None
        assert handoff_question(session, handoff=handoff) == "c'est pour les horaires de la piscine le dimanche"
    item = resolved_with_the_first_entry(client, handoff_id, token)
    assert item.text == "c'est pour les horaires de la piscine le dimanche"
