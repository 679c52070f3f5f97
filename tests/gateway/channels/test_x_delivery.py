"""What happens when X says no: rate limits, duplicates, deleted accounts, and an outage."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from guichet.crud.agents import create_agent
from guichet.db import session_scope
from guichet.models import OutboxItem, Role, utcnow
from testing.x_fake.harness import Harness

PISCINE = "@guichet_ville quels sont les horaires des piscines ?"


def test_rate_limit_is_waited_out_then_the_reply_goes(x: Harness) -> None:
    x.fake.add_mention(author_id="42", username="alice", text=PISCINE)
    x.poll("x_mention")
    x.fake.fail(429, times=1, path="/2/tweets", reset_in=1)
    start = utcnow()
    assert x.outbox.run_once(now=start) == 1
    [item] = x.items()
    assert item.status == "pending" and item.attempts == 0  # waiting for a quota is not a failed attempt
    assert "429" in (item.last_error or "")
    assert start < item.next_attempt_at <= start + timedelta(seconds=2)  # x-rate-limit-reset, plus jitter
    assert x.outbox.run_once(now=start) == 0 and x.fake.posted == []

    assert x.deliver(now=start + timedelta(seconds=3)) == 1
    [item] = x.items()
    assert item.status == "sent" and item.attempts == 1 and len(x.fake.posted) == 1


def test_duplicate_content_counts_as_sent(x: Harness) -> None:
    x.fake.add_mention(author_id="42", username="alice", text=PISCINE)
    x.poll("x_mention")
    x.deliver()
    with session_scope(x.app.state.session_factory) as session:  # a crash after X took it, before we noted it
        session.execute(update(OutboxItem).values(status="pending", external_id=None, sent_at=None))
    assert x.deliver() == 0  # the crashed worker's claim holds the row for two minutes
    assert x.deliver(now=utcnow() + timedelta(minutes=3)) == 1
    [item] = x.items()
    assert item.status == "sent" and item.external_id is None and "duplicate" in (item.last_error or "")
    assert len(x.fake.posted) == 1


def test_reply_to_a_deleted_account_fails_visibly(x: Harness) -> None:
    x.fake.add_mention(author_id="77", username="gone", text="@guichet_ville une question sur une succession")
    x.poll("x_mention")
    x.fake.delete_account("77")
    x.deliver()

    items = x.items()
    assert items and all(i.status == "failed" and i.attempts == 1 for i in items)
    assert "deleted or not visible" in (items[0].last_error or "")
    from fastapi.testclient import TestClient

    with session_scope(x.app.state.session_factory) as session:
        _, token = create_agent(session, name="alice", role=Role.AGENT)
    client = TestClient(x.app)
    headers = {"Authorization": f"Bearer {token}"}
    [handoff] = client.get("/api/handoffs", headers=headers).json()
    shown = client.get(f"/api/handoffs/{handoff['id']}", headers=headers).json()["messages"]
    bot_lines = [m for m in shown if m["author"] == "bot"]
    assert bot_lines and all(m["delivery"].startswith("failed: X refused the message: 403") for m in bot_lines)


def test_agent_reply_goes_out_under_the_citizen_tweet(x: Harness) -> None:
    from fastapi.testclient import TestClient

    tweet_id = x.fake.add_mention(author_id="42", username="alice", text="@guichet_ville ma question bizarre")
    x.poll("x_mention")
    x.deliver()
    with session_scope(x.app.state.session_factory) as session:
        _, token = create_agent(session, name="alice", role=Role.AGENT)
    client, headers = TestClient(x.app), {"Authorization": f"Bearer {token}"}
    [handoff] = client.get("/api/handoffs", headers=headers).json()
    assert client.post(f"/api/handoffs/{handoff['id']}/claim", headers=headers).status_code == 200
    reply = client.post(f"/api/handoffs/{handoff['id']}/reply", json={"text": "Bonjour, je regarde votre dossier."},
                        headers=headers)
    assert reply.status_code == 200, reply.text
    x.deliver()
    assert x.fake.posted[-1]["text"] == "@alice Bonjour, je regarde votre dossier."
    assert x.fake.posted[-1]["in_reply_to_tweet_id"] == tweet_id


def test_outage_keeps_replies_waiting_then_sends_them_in_order(x: Harness) -> None:
    x.fake.fail(503, path="/2/tweets", method="POST")
    citizens = {"61": "anne", "62": "paul", "63": "lina"}
    for question in ("bonjour", "les horaires des piscines ?"):
        for user_id, name in citizens.items():
            x.fake.add_mention(author_id=user_id, username=name, text=f"@guichet_ville {question}")
        x.poll("x_mention")
    start = utcnow()
    for hour in range(3):
        x.deliver(now=start + timedelta(hours=hour))
    items = x.items()
    assert x.fake.posted == [] and all(i.status == "pending" for i in items)
    firsts = {i.conversation_id: i for i in reversed(items)}
    assert all(i.attempts == 3 and "X unavailable: 503" in (i.last_error or "") for i in firsts.values())
    assert all(i.attempts == 0 for i in items if i not in firsts.values())  # held back behind the first

    x.fake.heal()
    x.deliver(now=start + timedelta(hours=4))
    items = x.items()
    assert all(i.status == "sent" for i in items) and len(x.fake.posted) == len(items) == 6
    position = {t["id"]: n for n, t in enumerate(x.fake.posted)}
    for conversation_id in firsts:
        sent = [position[i.external_id or ""] for i in items if i.conversation_id == conversation_id]
        assert sent == sorted(sent)
