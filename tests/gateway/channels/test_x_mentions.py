"""Public mentions through the real tweepy client against the fake X: polled, answered in the thread."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from gateway.notices import weighted_length
from guichet.db import session_scope
from guichet.models import KeyValue
from testing.fakes import FAQ
from testing.x_fake.harness import Harness

PISCINE = "@guichet_ville quels sont les horaires des piscines ?"


def test_mention_gets_a_threaded_reply(x: Harness) -> None:
    tweet_id = x.fake.add_mention(author_id="42", username="alice", text=PISCINE)
    assert x.poll("x_mention") == 1
    assert x.deliver() == 1

    [reply] = x.fake.posted
    assert reply["in_reply_to_tweet_id"] == tweet_id
    assert reply["text"].startswith("@alice (Assistant automatique) Les piscines ouvrent")
    assert x.kb.queries == ["quels sont les horaires des piscines ?"]  # the @name is not sent to the bot
    [conversation] = x.conversations()
    assert (conversation.channel, conversation.external_ref, conversation.citizen_handle) == ("x_mention", "42",
                                                                                              "@alice")
    [item] = x.items()
    assert (item.status, item.external_id, item.attempts) == ("sent", reply["id"], 1)
    assert item.sent_at is not None

    _, path, params = next(c for c in x.fake.calls if c[1].endswith("/mentions"))
    assert path == "/2/users/1000/mentions" and params["max_results"] == "100"
    assert params["expansions"] == "author_id" and {"created_at", "conversation_id"} <= set(
        params["tweet.fields"].split(","))


def test_long_reply_becomes_a_numbered_thread(x: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    sentences = [f"Le bassin numéro {n} ouvre de 7h à 20h en semaine et de 9h à 18h le week-end, "
                 f"sauf pendant les vacances scolaires où les horaires changent." for n in range(1, 6)]
    question, _, department = FAQ["piscines-horaires"]
    monkeypatch.setitem(FAQ, "piscines-horaires", (question, " ".join(sentences), department))
    tweet_id = x.fake.add_mention(author_id="42", username="alice", text=PISCINE)
    x.poll("x_mention")
    x.deliver()

    answer, notice = x.items()  # a first answer too long for the notice prefix gets the notice after it
    assert notice.status == "sent" and "assistant automatique" in notice.payload["text"]
    posted = [t for t in x.fake.posted if t["id"] in answer.payload["parts"]]
    assert len(posted) >= 3
    numbers = [t["text"].split(" ", 2)[:2] for t in posted]
    assert numbers == [["@alice", f"{i}/{len(posted)}"] for i in range(1, len(posted) + 1)]
    assert all(weighted_length(t["text"]) <= 280 for t in posted)
    assert all(t["text"].rstrip().endswith(".") for t in posted)  # cut at sentence boundaries
    assert [t["in_reply_to_tweet_id"] for t in posted] == [tweet_id] + [t["id"] for t in posted[:-1]]
    assert answer.status == "sent" and answer.payload["parts"] == [t["id"] for t in posted]
    assert answer.external_id == posted[0]["id"]


def test_pages_are_all_read_before_since_id_moves(x: Harness) -> None:
    x.fake.page_size = 2
    ids = [x.fake.add_mention(author_id=str(50 + n), username=f"user{n}", text=f"@guichet_ville bonjour {n}")
           for n in range(5)]
    x.fake.fail(503, times=1, skip=2, path="/2/users/1000/mentions")
    assert x.poll("x_mention") == 0  # the third page failed: nothing is taken, the cursor stays
    assert x.messages() == [] and read_since(x) is None

    assert x.poll("x_mention") == 5
    assert read_since(x) == ids[-1]
    citizen = [m for m in x.messages() if m.author == "citizen"]
    assert [m.external_id for m in citizen] == ids  # handled oldest first
    pages = [c for c in x.fake.calls if c[1].endswith("/mentions")]
    assert len(pages) == 3 + 3 and "pagination_token" in pages[-1][2]

    newer = x.fake.add_mention(author_id="60", username="late", text="@guichet_ville bonjour encore")
    assert x.poll("x_mention") == 1
    assert x.fake.calls[-1][2]["since_id"] == ids[-1]
    assert read_since(x) == newer


def read_since(x: Harness) -> str | None:
    with session_scope(x.app.state.session_factory) as session:
        row = session.get(KeyValue, "x:since_id")
        return None if row is None or row.value is None else str(row.value)


def test_same_mention_twice_is_answered_once(x: Harness) -> None:
    x.fake.add_mention(author_id="42", username="alice", text=PISCINE)
    x.poll("x_mention")
    with session_scope(x.app.state.session_factory) as session:
        session.execute(delete(KeyValue))  # as if the cursor had been lost: X sends the mention again
    assert x.poll("x_mention") == 0
    x.deliver()
    assert len(x.fake.posted) == 1 and len(x.items()) == 1
    assert len([m for m in x.messages() if m.author == "citizen"]) == 1


def test_own_tweets_retweets_and_bare_mentions_get_no_bot_answer(x: Harness) -> None:
    x.fake.add_mention(author_id="1000", username="guichet_ville", text="@guichet_ville note pour nous")
    x.fake.add_mention(author_id="43", username="bob", text="RT @guichet_ville: les piscines", retweet=True)
    only_names = x.fake.add_mention(author_id="44", username="carol", text="@guichet_ville @maire_ville ")
    assert x.poll("x_mention") == 1
    x.deliver()
    assert x.fake.posted == [] and x.kb.queries == []
    [stored] = x.messages()
    assert (stored.external_id, stored.inbound_state, stored.text) == (only_names, "handled",
                                                                       "@guichet_ville @maire_ville ")


@pytest.mark.parametrize("text", ["@guichet_ville rappelez-moi au 06 12 34 56 78 svp",
                                  "@guichet_ville écrivez à jean.dupont@example.fr",
                                  "@guichet_ville j'habite au 12 rue des Lilas, ma poubelle déborde"])
def test_personal_data_in_public_gets_a_dm_invitation(x: Harness, text: str) -> None:
    tweet_id = x.fake.add_mention(author_id="42", username="alice", text=text)
    assert x.poll("x_mention") == 1
    x.deliver()

    [reply] = x.fake.posted
    assert reply["in_reply_to_tweet_id"] == tweet_id
    assert "message privé" in reply["text"]
    assert reply["direct_message_deep_link"] == "https://twitter.com/messages/compose?recipient_id=1000"
    for secret in ("06 12", "jean.dupont", "example.fr", "Lilas"):
        assert secret not in reply["text"]
    assert x.kb.queries == []  # the public text never reached the bot
    inbound = next(m for m in x.messages() if m.author == "citizen")
    assert inbound.inbound_state == "handled" and inbound.payload and inbound.payload["personal_data"]


def test_a_refused_since_id_starts_again_from_the_last_day(x: Harness) -> None:
    first = x.fake.add_mention(author_id="42", username="alice", text="@guichet_ville bonjour")
    x.poll("x_mention")
    x.fake.fail(400, times=1, path="/2/users/1000/mentions")
    assert x.poll("x_mention") == 0 and read_since(x) is None
    second = x.fake.add_mention(author_id="43", username="bob", text="@guichet_ville bonjour aussi")
    assert x.poll("x_mention") == 1  # the first one is read again and dropped as a duplicate
    assert "start_time" in x.fake.calls[-1][2] and read_since(x) == second != first
