"""Mentions of the city's Mastodon account through the real Mastodon.py client against the fake instance."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import delete

from gateway.channels.base import Delivery
from guichet.contract.limits import LIMITS
from guichet.db import session_scope
from guichet.models import KeyValue, utcnow
from testing.fakes import FAQ
from testing.mastodon_fake.harness import MastodonHarness

PISCINE = "@guichet_ville quels sont les horaires des piscines ?"


def test_public_mention_gets_a_reply_in_the_thread(masto: MastodonHarness) -> None:
    status_id = masto.fake.add_mention(acct="alice@piaille.fr", text=PISCINE)
    assert masto.poll("mastodon") == 1
    assert masto.deliver() == 1

    [reply] = masto.fake.posted
    assert reply["in_reply_to_id"] == status_id and reply["visibility"] == "public"
    assert reply["text"].startswith("@alice@piaille.fr (Assistant automatique) Les piscines ouvrent")
    assert reply["idempotency_key"] == f"guichet-{masto.items()[0].id}-0"
    assert masto.kb.queries == ["quels sont les horaires des piscines ?"]  # HTML read, the @name not sent
    [conversation] = masto.conversations()
    assert (conversation.channel, conversation.citizen_handle) == ("mastodon", "@alice@piaille.fr")
    [item] = masto.items()
    assert (item.status, item.external_id, item.attempts) == ("sent", reply["id"], 1)
    _, _, params = next(c for c in masto.fake.calls if c[1] == "/api/v1/notifications")
    assert params["types[]"] == "mention" and params["limit"] == "40"


def test_direct_mention_stays_direct(masto: MastodonHarness) -> None:
    status_id = masto.fake.add_mention(acct="bob", text=PISCINE, visibility="direct")
    masto.poll("mastodon")
    masto.deliver()
    [reply] = masto.fake.posted
    assert (reply["visibility"], reply["in_reply_to_id"]) == ("direct", status_id)
    assert reply["text"].startswith("@bob ")


def test_a_wrong_token_is_refused_and_nothing_is_lost(masto: MastodonHarness) -> None:
    masto.fake.add_mention(acct="alice", text=PISCINE)
    masto.fake.token = "another-token"  # the instance revoked ours
    assert masto.poll("mastodon") == 0
    assert masto.messages() == [] and read_cursor(masto) is None
    masto.fake.token = "mastodon-test-token"
    assert masto.poll("mastodon") == 1


def test_the_instance_limit_is_read_and_long_answers_become_a_thread(masto: MastodonHarness,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    masto.fake.max_characters = 200
    sentences = [f"Le bassin numéro {n} ouvre de 7h à 20h en semaine et de 9h à 18h le week-end." for n in range(6)]
    question, _, department = FAQ["piscines-horaires"]
    monkeypatch.setitem(FAQ, "piscines-horaires", (question, " ".join(sentences), department))
    status_id = masto.fake.add_mention(acct="alice", text=PISCINE)
    masto.poll("mastodon")
    masto.deliver()
    assert LIMITS["mastodon"] == 200 and masto.app.state.channels["mastodon"].limit == 200
    answer = next(i for i in masto.items() if "parts" in i.payload)
    posted = [s for s in masto.fake.posted if s["id"] in answer.payload["parts"]]
    assert len(posted) >= 3 and all(len(s["text"]) <= 200 for s in posted)
    assert [s["text"].split(" ", 2)[:2] for s in posted] == [["@alice", f"{i}/{len(posted)}"]
                                                             for i in range(1, len(posted) + 1)]
    assert [s["in_reply_to_id"] for s in posted] == [status_id] + [s["id"] for s in posted[:-1]]


def test_pages_are_read_and_the_cursor_moves_after_all_are_stored(masto: MastodonHarness) -> None:
    ids = [masto.fake.add_mention(acct=f"user{n}", text=f"@guichet_ville bonjour {n}") for n in range(45)]
    masto.fake.fail(503, times=1, skip=1, path="/api/v1/notifications")
    assert masto.poll("mastodon") == 0  # the second page failed: nothing taken, the cursor stays
    assert masto.messages() == [] and read_cursor(masto) is None
    assert masto.poll("mastodon") == 45
    assert [m.external_id for m in masto.messages() if m.author == "citizen"] == ids  # oldest first
    newer = masto.fake.add_mention(acct="late", text="@guichet_ville encore moi")
    assert masto.poll("mastodon") == 1
    assert masto.fake.calls[-1][2].get("since_id") == masto.fake.notifications[-2]["id"]
    assert [m.external_id for m in masto.messages() if m.author == "citizen"][-1] == newer


def test_the_same_mention_twice_is_answered_once(masto: MastodonHarness) -> None:
    masto.fake.add_mention(acct="alice", text=PISCINE)
    masto.poll("mastodon")
    with session_scope(masto.app.state.session_factory) as session:
        session.execute(delete(KeyValue))  # the cursor lost: the instance sends the mention again
    assert masto.poll("mastodon") == 0
    masto.deliver()
    assert len(masto.fake.posted) == 1 and len([m for m in masto.messages() if m.author == "citizen"]) == 1


def test_a_toot_with_only_a_mention_is_kept_and_not_answered(masto: MastodonHarness) -> None:
    only = masto.fake.add_mention(acct="carol", text="@guichet_ville")
    assert masto.poll("mastodon") == 1
    masto.deliver()
    assert masto.fake.posted == [] and masto.kb.queries == []
    [stored] = masto.messages()
    assert (stored.external_id, stored.inbound_state, stored.text) == (only, "handled", "@guichet_ville")


def test_personal_data_in_public_gets_an_invitation_to_write_privately(masto: MastodonHarness) -> None:
    status_id = masto.fake.add_mention(acct="alice", text="@guichet_ville rappelez-moi au 06 12 34 56 78")
    masto.fake.add_mention(acct="bob", text="@guichet_ville mon numéro 06 98 76 54 32, les piscines ?",
                           visibility="direct")
    assert masto.poll("mastodon") == 2
    masto.deliver()
    public = next(s for s in masto.fake.posted if s["in_reply_to_id"] == status_id)
    assert public["visibility"] == "public" and "mention privée" in public["text"] and "06 12" not in public["text"]
    assert masto.kb.queries == ["mon numéro 06 98 76 54 32, les piscines ?"]  # a direct one is private: answered
    inbound = next(m for m in masto.messages() if m.external_id == status_id)
    assert inbound.payload and inbound.payload["personal_data"] == ["phone"]


def test_a_status_deleted_before_the_reply_gets_a_direct_answer(masto: MastodonHarness) -> None:
    status_id = masto.fake.add_mention(acct="alice", text=PISCINE)
    masto.poll("mastodon")
    masto.fake.delete_status(status_id)
    masto.deliver()
    [reply] = masto.fake.posted
    assert (reply["visibility"], reply["in_reply_to_id"]) == ("direct", None)
    assert reply["text"].startswith("@alice ") and [i.status for i in masto.items()] == ["sent"]


def test_an_instance_answering_503_for_ten_minutes_loses_nothing(masto: MastodonHarness) -> None:
    masto.fake.add_mention(acct="alice", text=PISCINE)
    masto.poll("mastodon")
    masto.fake.fail(503)
    later = masto.fake.add_mention(acct="bob", text="@guichet_ville bonjour")
    start = utcnow()
    for minute in range(0, 11):
        masto.deliver(now=start + timedelta(minutes=minute))
        assert asyncio.run(masto.app.state.channels["mastodon"].poll(now=start + timedelta(minutes=minute))) == 0
    [item] = masto.items()
    assert item.status == "pending" and 1 < item.attempts < 8 and "Mastodon unavailable" in (item.last_error or "")
    masto.fake.heal()
    assert masto.poll("mastodon") == 1
    masto.deliver(now=start + timedelta(hours=1))
    assert [i.status for i in masto.items()] == ["sent", "sent"] and len(masto.fake.posted) == 2
    assert any(m.external_id == later for m in masto.messages())


def test_rate_limit_pauses_the_channel_without_counting_an_attempt(masto: MastodonHarness) -> None:
    masto.fake.add_mention(acct="alice", text=PISCINE)
    masto.poll("mastodon")
    masto.fake.fail(429, times=1, path="/api/v1/statuses")
    start = utcnow()
    masto.outbox.run_once(now=start)
    [item] = masto.items()
    assert item.status == "pending" and item.attempts == 0 and "429" in (item.last_error or "")
    assert start < item.next_attempt_at <= start + timedelta(seconds=5)  # reset (2 s), clock skew, jitter
    assert masto.outbox.paused["mastodon"] > start
    masto.deliver(now=start + timedelta(seconds=6))
    assert [i.status for i in masto.items()] == ["sent"]


def test_a_retry_after_a_lost_answer_posts_once(masto: MastodonHarness) -> None:
    status_id = masto.fake.add_mention(acct="alice", text=PISCINE)
    masto.poll("mastodon")
    channel = masto.app.state.channels["mastodon"]
    for attempt in (1, 2):  # the first answer "lost": the same row is sent again
        delivery = Delivery(item_id=999, conversation_id="c", recipient=None, text="Bonjour.", handle="@alice",
                            reply_to=status_id, attempt=attempt)
        channel.send(delivery)
    assert [s["text"] for s in masto.fake.posted].count("@alice Bonjour.") == 1


def read_cursor(masto: MastodonHarness) -> str | None:
    with session_scope(masto.app.state.session_factory) as session:
        row = session.get(KeyValue, "mastodon:since_id")
        return None if row is None or row.value is None else str(row.value)
