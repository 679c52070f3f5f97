"""Direct messages through the real tweepy client against the fake X."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import update

from guichet.crud.agents import create_agent
from guichet.db import session_scope
from guichet.models import OutboxItem, Role, utcnow
from testing.x_fake.harness import Harness


def test_dm_gets_a_dm(x: Harness) -> None:
    x.fake.add_dm(sender_id="55", username="dora", text="bonjour")
    assert x.poll("x_dm") == 1
    x.deliver()
    [sent] = x.fake.sent_dms
    assert sent["participant_id"] == "55" and "assistant automatique" in sent["text"]
    [conversation] = x.conversations()
    assert (conversation.channel, conversation.external_ref, conversation.citizen_handle) == ("x_dm", "55", "@dora")
    [item] = x.items()
    assert item.status == "sent" and item.external_id == sent["id"]

    assert x.poll("x_dm") == 0  # our own reply comes back in the events: skipped, and nothing twice
    assert len([m for m in x.messages() if m.author == "citizen"]) == 1


def test_emoji_only_dm_is_answered(x: Harness) -> None:
    x.fake.add_dm(sender_id="56", username="emile", text="👍🏽🙏")
    assert x.poll("x_dm") == 1
    x.deliver()
    assert x.kb.queries == ["👍🏽🙏"]
    assert len(x.fake.sent_dms) >= 1 and all(d["participant_id"] == "56" for d in x.fake.sent_dms)


def test_ten_thousand_characters_each_way(x: Harness) -> None:
    long_text = ("Voici le détail de ma demande. " * 400)[:10_000]
    x.fake.add_dm(sender_id="57", username="fanny", text=long_text)
    x.poll("x_dm")
    x.deliver()
    stored = next(m for m in x.messages() if m.author == "citizen")
    assert len(stored.text) == 10_000  # stored whole; only the bot's copy is shortened

    with session_scope(x.app.state.session_factory) as session:
        _, token = create_agent(session, name="alice", role=Role.AGENT)
    client, headers = TestClient(x.app), {"Authorization": f"Bearer {token}"}
    [handoff] = client.get("/api/handoffs", headers=headers).json()
    client.post(f"/api/handoffs/{handoff['id']}/claim", headers=headers)
    answer = ("Nous avons bien reçu votre demande. " * 300)[:10_000]
    assert client.post(f"/api/handoffs/{handoff['id']}/reply", json={"text": answer},
                       headers=headers).status_code == 200
    x.deliver()
    assert x.fake.sent_dms[-1]["text"] == answer


def test_a_dm_whose_answer_was_lost_is_not_sent_again(x: Harness) -> None:
    x.fake.add_dm(sender_id="59", username="hugo", text="bonjour")
    x.poll("x_dm")
    x.deliver()
    [sent] = x.fake.sent_dms
    with session_scope(x.app.state.session_factory) as session:  # a crash after X took it, before we noted it
        session.execute(update(OutboxItem).values(status="pending", external_id=None, sent_at=None))
    assert x.deliver(now=utcnow() + timedelta(minutes=3)) == 1
    [item] = x.items()
    assert item.status == "sent" and item.attempts == 2 and item.external_id == sent["id"]
    assert x.fake.sent_dms == [sent]


def test_dm_pages_stop_at_a_known_message_and_old_history_is_skipped(x: Harness) -> None:
    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    x.fake.add_dm(sender_id="58", username="gus", text="ancien message", created_at=three_days_ago)
    x.fake.page_size = 2
    ids = [x.fake.add_dm(sender_id=str(60 + n), username=f"u{n}", text=f"bonjour {n}") for n in range(5)]
    assert x.poll("x_dm") == 5
    assert [m.external_id for m in x.messages() if m.author == "citizen"] == ids

    calls = len(x.fake.calls)
    x.fake.add_dm(sender_id="70", username="new", text="encore moi")
    assert x.poll("x_dm") == 1
    dm_reads = [c for c in x.fake.calls[calls:] if c[1] == "/2/dm_events"]
    assert len(dm_reads) == 1  # the first page already held a stored message
    assert dm_reads[0][2]["event_types"] == "MessageCreate" and dm_reads[0][2]["expansions"] == "sender_id"


def test_dm_to_a_deleted_account_fails_visibly(x: Harness) -> None:
    x.fake.add_dm(sender_id="59", username="gone", text="bonjour")
    x.poll("x_dm")
    x.fake.delete_account("59")
    x.deliver()
    [item] = x.items()
    assert item.status == "failed" and "not permitted" in (item.last_error or "")
    reply = next(m for m in x.messages() if m.author == "bot")
    assert reply.payload and reply.payload["delivery"].startswith("failed: X refused the message: 403")
