"""When a reply counts as feedback: only right after an automatic answer, never after a question the bot asked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.feedback_turn import Verdict, read_feedback, with_apology
from guichet.contract.replies import Reply
from guichet.crud import conversations as conv_crud
from guichet.db import make_engine, make_session_factory, session_scope
from guichet.migrate import upgrade
from guichet.models import Author, Conversation, Feedback, Message, Owner, utcnow
from guichet.settings import Settings


@pytest.fixture
def session(settings: Settings) -> Iterator[Session]:
    engine = make_engine(settings)
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as opened:
        yield opened
    engine.dispose()


def conversation_with(session: Session, *turns: tuple[str, str | None, str], ago: timedelta = timedelta()) -> str:
    """A conversation whose messages are ``(author, kind, text)``; returns its id."""
    conversation = conv_crud.new_conversation(session, channel="x_dm")
    for author, kind, text in turns:
        session.add(Message(conversation_id=conversation.id, author=author, channel="x_dm", text=text, kind=kind,
                            faq_id="piscines-horaires" if kind == "answer" else None,
                            created_at=utcnow() - ago))
    session.flush()
    return conversation.id


def reply(session: Session, settings: Settings, conversation_id: str, text: str) -> Verdict | None:
    message = Message(conversation_id=conversation_id, author=Author.CITIZEN.value, channel="x_dm", text=text)
    session.add(message)
    session.flush()
    return read_feedback(session, message=message, settings=settings)


ANSWER = ("bot", "answer", "Les piscines ouvrent de 7h à 20h.")
QUESTION = ("citizen", None, "la piscine ouvre quand ?")


def test_no_right_after_an_answer_is_negative(session: Session, settings: Settings) -> None:
    conversation_id = conversation_with(session, QUESTION, ANSWER)
    assert reply(session, settings, conversation_id, "non") is Verdict.NEGATIVE
    [row] = session.scalars(select(Feedback))
    assert (row.helpful, row.source, row.faq_id) == (False, "reply", "piscines-horaires")


def test_the_automatic_notice_after_an_answer_does_not_hide_it(session: Session, settings: Settings) -> None:
    notice = ("bot", "info", "Je suis l'assistant automatique de la Ville.")
    conversation_id = conversation_with(session, QUESTION, ANSWER, notice)
    assert reply(session, settings, conversation_id, "pas du tout") is Verdict.NEGATIVE


@pytest.mark.parametrize("last", [
    ("bot", "form", "Pouvez-vous préciser l'adresse exacte ?"),
    ("bot", "clarify", "Je vois plusieurs réponses possibles : 1. Piscines 2. Patinoire. Laquelle ?"),
    ("bot", "smalltalk", "Bonjour ! Que puis-je pour vous ?"),
    ("bot", "answer", "Vous avez déménagé ? Réinscrivez-vous. Avez-vous reçu votre carte ?"),
    ("agent", "agent", "Avez-vous reçu notre courrier ?"),
])
def test_no_answering_a_question_of_the_bot_is_not_feedback(session: Session, settings: Settings,
                                                             last: tuple[str, str, str]) -> None:
    conversation_id = conversation_with(session, QUESTION, ANSWER, last)
    assert reply(session, settings, conversation_id, "non") is None
    assert list(session.scalars(select(Feedback))) == []


def test_a_no_after_the_form_question_that_followed_an_answer_is_not_feedback(session: Session,
                                                                              settings: Settings) -> None:
    form = ("bot", "form", "Et où se trouve le lampadaire ?")
    conversation_id = conversation_with(session, ("citizen", None, "un lampadaire est cassé"), ANSWER, form)
    assert reply(session, settings, conversation_id, "non") is None


def test_too_late_or_not_right_after(session: Session, settings: Settings) -> None:
    late = conversation_with(session, QUESTION, ANSWER, ago=timedelta(minutes=settings.feedback_window_minutes + 1))
    assert reply(session, settings, late, "non") is None
    between = conversation_with(session, QUESTION, ANSWER, ("citizen", None, "d'accord"))
    assert reply(session, settings, between, "non") is None


def test_not_while_a_person_holds_the_conversation(session: Session, settings: Settings) -> None:
    conversation_id = conversation_with(session, QUESTION, ANSWER)
    conversation = session.get(Conversation, conversation_id)
    assert conversation is not None
    conversation.owner = Owner.QUEUE.value
    assert reply(session, settings, conversation_id, "non") is None


def test_apology_joins_the_handoff_reply_when_it_fits() -> None:
    [joined] = with_apology([Reply("Je vous mets en relation avec un agent.", "handoff")])
    assert joined.text == "Désolé que cette réponse ne vous aide pas. Je vous mets en relation avec un agent."
    long = Reply("x" * 270, "handoff")
    assert [r.kind for r in with_apology([long])] == ["info", "handoff"]
