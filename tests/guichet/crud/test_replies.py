"""One way to send a reply: stored, then queued for the channel (never for the web chat), threaded right."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from guichet.crud import conversations as conv_crud
from guichet.crud.replies import send_reply
from guichet.db import session_scope
from guichet.models import Author, OutboxItem


def test_a_bot_reply_on_x_is_queued_under_the_message_it_answers(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        conversation = conv_crud.conversation_for_ref(session, channel="x_dm", external_ref="42")
        first = conv_crud.add_inbound(session, conversation=conversation, text="bonjour", channel="x_dm",
                                      external_id="dm-1")
        conv_crud.add_inbound(session, conversation=conversation, text="horaires ?", channel="x_dm",
                              external_id="dm-2")
        saved = send_reply(session, conversation=conversation, author=Author.BOT, text="Bonjour !", kind="info",
                           answering=first, delivery={"quick_replies": ["a"]})
        item = session.scalars(select(OutboxItem)).one()
        assert (saved.reply_to_id, item.message_id, item.channel) == (first.id if first else None, saved.id, "x_dm")
        assert item.payload == {"text": "Bonjour !", "reply_to": "dm-1", "quick_replies": ["a"]}


def test_an_agent_reply_is_threaded_under_the_citizens_last_message(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        conversation = conv_crud.conversation_for_ref(session, channel="x_mention", external_ref="t-1")
        for number in (1, 2):
            conv_crud.add_inbound(session, conversation=conversation, text=f"message {number}",
                                  channel="x_mention", external_id=f"tweet-{number}")
        saved = send_reply(session, conversation=conversation, author=Author.AGENT, text="Je regarde.",
                           kind="agent", agent_id=None)
        item = session.scalars(select(OutboxItem)).one()
        assert saved.reply_to_id is None
        assert item.payload["reply_to"] == "tweet-2"


def test_the_web_chat_reads_its_replies_from_the_database(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        conversation = conv_crud.new_conversation(session, channel="webchat")
        send_reply(session, conversation=conversation, author=Author.BOT, text="Bonjour !", kind="info")
        assert session.scalars(select(OutboxItem)).all() == []
        assert [m.text for m in conv_crud.transcript(session, conversation_id=conversation.id)] == ["Bonjour !"]
