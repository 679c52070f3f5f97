"""Feedback on X (and Mastodon): a short negative reply right after an automatic answer, and 👍/👎 in a DM after a
person helped."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from guichet.crud.agents import create_agent
from guichet.db import session_scope
from guichet.models import Feedback, Handoff, Role
from testing.mastodon_fake.harness import MastodonHarness
from testing.x_fake.harness import Harness

PISCINE = "@guichet_ville quels sont les horaires des piscines ?"


def feedback_rows(x: Harness) -> list[Feedback]:
    with session_scope(x.app.state.session_factory) as session:
        return list(session.scalars(select(Feedback).order_by(Feedback.id)))


def handoffs(x: Harness) -> list[Handoff]:
    with session_scope(x.app.state.session_factory) as session:
        return list(session.scalars(select(Handoff).order_by(Handoff.id)))


def test_no_under_an_answer_is_negative_feedback_and_offers_a_person(x: Harness) -> None:
    x.fake.add_mention(author_id="42", username="alice", text=PISCINE)
    x.poll("x_mention")
    x.deliver()
    x.fake.add_mention(author_id="42", username="alice", text="@guichet_ville non, ça ne répond pas à ma question")
    x.poll("x_mention")
    x.deliver()

    [row] = feedback_rows(x)
    answer = next(m for m in x.messages() if m.kind == "answer")
    reply = [m for m in x.messages() if m.author == "citizen"][-1]
    assert (row.kind, row.helpful, row.source, row.channel) == ("answer", False, "reply", "x_mention")
    assert (row.message_id, row.reply_message_id, row.faq_id) == (answer.id, reply.id, "piscines-horaires")
    [handoff] = handoffs(x)
    assert handoff.reason == "request_human"
    assert x.kb.queries == ["quels sont les horaires des piscines ?"]  # the "non" was not taken for a question
    assert x.fake.posted[-1]["text"].startswith("@alice Désolé que cette réponse ne vous aide pas.")


def test_thanks_or_a_new_question_after_an_answer_are_not_feedback(x: Harness) -> None:
    x.fake.add_dm(sender_id="55", username="dora", text="quels sont les horaires des piscines ?")
    x.poll("x_dm")
    x.fake.add_dm(sender_id="55", username="dora", text="non merci, c'est bon")
    x.poll("x_dm")
    x.fake.add_dm(sender_id="57", username="fanny", text="quels sont les horaires des piscines ?")
    x.poll("x_dm")
    x.fake.add_dm(sender_id="57", username="fanny", text="non je voulais dire la piscine du centre le dimanche")
    x.poll("x_dm")
    assert feedback_rows(x) == []
    assert all(h.reason != "request_human" for h in handoffs(x))
    assert "non merci, c'est bon" in x.kb.queries  # both went to the assistant as they were
    assert x.kb.queries[-1] == "non je voulais dire la piscine du centre le dimanche"


def test_dm_rating_after_a_person_resolved(x: Harness) -> None:
    x.fake.add_dm(sender_id="56", username="emile", text="quels sont les horaires des piscines ?")
    x.poll("x_dm")
    x.fake.add_dm(sender_id="56", username="emile", text="Non.")
    x.poll("x_dm")
    [handoff] = handoffs(x)
    with session_scope(x.app.state.session_factory) as session:
        _, token = create_agent(session, name="alice", role=Role.AGENT)
    client, headers = TestClient(x.app), {"Authorization": f"Bearer {token}"}
    client.post(f"/api/handoffs/{handoff.id}/claim", headers=headers)
    client.post(f"/api/handoffs/{handoff.id}/reply", json={"text": "Le dimanche : 9h-13h."}, headers=headers)
    assert client.post(f"/api/handoffs/{handoff.id}/resolve", headers=headers).status_code == 200
    x.deliver()
    assert x.fake.sent_dms[-1]["text"] == (f"Votre demande {handoff.reference} est close. L'aide reçue vous "
                                           "a-t-elle été utile ? Répondez 👍 ou 👎.")

    x.fake.add_dm(sender_id="56", username="emile", text="👍")
    x.poll("x_dm")
    x.deliver()
    answer_row, rating = feedback_rows(x)
    assert (answer_row.kind, answer_row.helpful) == ("answer", False)
    assert (rating.kind, rating.helpful, rating.source, rating.handoff_id) == ("help", True, "reply", handoff.id)
    assert rating.department == handoff.department
    assert x.fake.sent_dms[-1]["text"].startswith("Merci pour votre avis")
    assert "👍" not in x.kb.queries  # the rating never reached the assistant

    x.fake.add_dm(sender_id="56", username="emile", text="👎")  # asked once: a later message is a message
    x.poll("x_dm")
    assert [r.helpful for r in feedback_rows(x)] == [False, True]


def test_on_mastodon_too(masto: MastodonHarness) -> None:
    first = masto.fake.add_mention(acct="alice@piaille.fr", text=PISCINE)
    masto.poll("mastodon")
    masto.deliver()
    masto.fake.add_mention(acct="alice@piaille.fr", text="@guichet_ville pas du tout", in_reply_to_id=first)
    masto.poll("mastodon")
    masto.deliver()
    with session_scope(masto.app.state.session_factory) as session:
        [row] = session.scalars(select(Feedback))
        [handoff] = session.scalars(select(Handoff))
        assert (row.helpful, row.source, row.channel) == (False, "reply", "mastodon")
        assert handoff.reason == "request_human"
    assert "Désolé que cette réponse ne vous aide pas." in masto.fake.posted[-1]["text"]
