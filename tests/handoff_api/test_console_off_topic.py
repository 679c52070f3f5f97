"""Editors see and edit "questions we do not handle here" (the off-topic examples), with revisions."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from guichet.db import session_scope
from guichet.models import OffTopicExample, OffTopicRevision, OffTopicSource, Role
from knowledge_base import off_topic_store
from tests.handoff_api.console_client import account, login


def test_editors_add_change_and_delete_off_topic_examples_with_revisions(client: TestClient) -> None:
    account(client, "eve", Role.EDITOR)
    token = login(client, "eve")
    page = client.get("/console/kb/off-topic")
    assert page.status_code == 200 and "Questions que nous ne traitons pas ici" in page.text
    assert "le lampadaire de ma rue ne s&#39;allume plus depuis hier soir" in page.text  # seeded from the file
    added = client.post("/console/kb/off-topic", data={"csrf_token": token, "text": "Où acheter un <b>sapin</b> ?",
                                                       "kind": "near_misses"}, follow_redirects=False)
    assert added.status_code == 303
    shown = client.get(added.headers["location"])
    assert "Où acheter un &lt;b&gt;sapin&lt;/b&gt; ?" in shown.text and "<b>sapin</b>" not in shown.text
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        example = session.scalars(select(OffTopicExample).where(OffTopicExample.text.like("%sapin%"))).one()
        example_id = example.id
    saved = client.post(f"/console/kb/off-topic/{example_id}", data={"csrf_token": token, "kind": "near_misses",
                                                                     "text": "Où acheter un sapin de Noël ?"},
                        follow_redirects=False)
    assert saved.status_code == 303
    history = client.get(saved.headers["location"])
    assert "Historique" in history.text and "Où acheter un sapin de Noël ?" in history.text
    refused = client.post(f"/console/kb/off-topic/{example_id}", data={"csrf_token": token, "kind": "near_misses",
                                                                       "text": "   "})
    assert refused.status_code == 422 and "non-empty" in refused.text
    deleted = client.post(f"/console/kb/off-topic/{example_id}/delete", data={"csrf_token": token},
                          follow_redirects=False)
    assert deleted.status_code == 303
    assert "sapin" not in client.get("/console/kb/off-topic").text
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        revisions = session.scalars(select(OffTopicRevision).where(OffTopicRevision.example_id == example_id)
                                    .order_by(OffTopicRevision.id)).all()
        assert [(r.actor, r.action) for r in revisions] == [("eve", "create"), ("eve", "update"), ("eve", "delete")]
        assert revisions[1].before is not None and "<b>sapin</b>" in revisions[1].before["text"]


def test_agents_cannot_edit_off_topic_examples(client: TestClient) -> None:
    account(client, "al", Role.AGENT)
    login(client, "al")
    assert client.get("/console/kb/off-topic", follow_redirects=False).status_code in (303, 403)


def test_the_list_says_which_examples_citizens_asked_and_an_edit_keeps_it(client: TestClient) -> None:
    account(client, "eve", Role.EDITOR)
    token = login(client, "eve")
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        off_topic_store.seed_off_topic(session)
        example_id = off_topic_store.create_example(session, text="mon permis de conduire est perdu",
                                                    kind="near_misses", actor="eve", source=OffTopicSource.INBOX).id
    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row for row in client.get("/console/kb/off-topic").text
            .split('<tr><td data-label="Message">')[1:]}
    assert "boîte d'entraînement" in rows["mon permis de conduire est perdu"]
    assert "liste écrite" in rows["le lampadaire de ma rue ne s&#39;allume plus depuis hier soir"]
    assert sum("boîte d'entraînement" in row for row in rows.values()) == 1
    saved = client.post(f"/console/kb/off-topic/{example_id}", data={"csrf_token": token, "kind": "near_misses",
                                                                     "text": "j'ai perdu mon permis de conduire"},
                        follow_redirects=False)
    assert saved.status_code == 303
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        assert off_topic_store.get_example(session, example_id=example_id).source == "inbox"
