"""Storing citizens' feedback, and finding what a message could be feedback on.

- An automatic answer (a bot message of kind ``answer`` with its ``faq_id``) is rated by the web chat's
  buttons, or by a short negative reply right after it on any channel. The last word wins (one row per
  answer, updated); the row is linked to the knowledge-base search that produced the answer.
- A person's help is rated after the agent resolved the handoff: a bot message of kind ``rating`` asks
  (web chat: 👍/👎 buttons; X direct messages: a reply), one row per handoff, the last word wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from guichet.crud import conversations as conv_crud
from guichet.events import publish_on_commit
from guichet.models import (
    Author,
    Conversation,
    Feedback,
    FeedbackKind,
    FeedbackSource,
    Handoff,
    KBEntry,
    Message,
    OutboxItem,
    SearchLog,
    utcnow,
)

ANSWER_KIND = "answer"
RATING_KIND = "rating"
"""The kind of the bot message asking the citizen to rate a person's help (its payload names the handoff)."""
RATING_CHANNELS = ("webchat", "x_dm")
"""Where the rating is asked: the private channels (never a public reply under a mention)."""
NOTICE_KINDS = ("info",)
"""Bot messages that may follow an answer in the same turn (the automatic-assistant notice)."""

NEGATIVE_SORRY = "Désolé que cette réponse ne vous aide pas."
RATING_THANKS = "Merci pour votre avis : il aide la mairie à mieux vous répondre."


def rating_request(*, reference: str, channel: str) -> str:
    ask = f"Votre demande {reference} est close. L'aide reçue vous a-t-elle été utile ?"
    return ask if channel == "webchat" else f"{ask} Répondez 👍 ou 👎."


@dataclass(frozen=True)
class Recorded:
    feedback: Feedback
    previous: bool | None
    """The value before this call (None: first feedback on it)."""

    @property
    def newly_negative(self) -> bool:
        return not self.feedback.helpful and self.previous is not False


def is_automatic_answer(message: Message) -> bool:
    return message.author == Author.BOT.value and message.kind == ANSWER_KIND and message.faq_id is not None


def _previous_turn(session: Session, *, conversation_id: str, before_id: int) -> list[Message]:
    """The messages since the citizen's previous message, newest first (notes left out)."""
    found: list[Message] = []
    for message in session.scalars(
            select(Message).where(Message.conversation_id == conversation_id, Message.id < before_id,
                                  Message.author != Author.NOTE.value).order_by(Message.id.desc()).limit(10)):
        if message.author == Author.CITIZEN.value:
            break
        found.append(message)
    return found


def answer_just_given(session: Session, *, conversation_id: str, before_id: int, window: timedelta,
                      now: datetime | None = None) -> Message | None:
    """The automatic answer this citizen message directly follows, if given within ``window``.

    It must be the last thing said (a notice aside) and not end on a question: after a form's question, a
    clarification list, an agent's message or an answer asking something, a "non" answers that instead.
    """
    for message in _previous_turn(session, conversation_id=conversation_id, before_id=before_id):
        if message.author == Author.BOT.value and message.kind in NOTICE_KINDS:
            continue
        asks = message.text.rstrip().endswith("?")  # then a "non" answers its question
        if is_automatic_answer(message) and not asks and message.created_at >= (now or utcnow()) - window:
            return message
        return None
    return None


def rating_asked(session: Session, *, conversation_id: str, before_id: int, window: timedelta,
                 now: datetime | None = None) -> Handoff | None:
    """The resolved handoff whose rating the last message asked for, within ``window``."""
    turn = _previous_turn(session, conversation_id=conversation_id, before_id=before_id)
    last = turn[0] if turn else None
    if last is None or last.author != Author.BOT.value or last.kind != RATING_KIND:
        return None
    if last.created_at < (now or utcnow()) - window:
        return None
    handoff_id = rated_handoff_id(last)
    return session.get(Handoff, handoff_id) if handoff_id is not None else None


def search_log_of(session: Session, *, answer: Message) -> SearchLog | None:
    """The search that produced ``answer``: its conversation's latest one before it (a pick after a
    clarification list comes from the search that made the list)."""
    return session.scalar(
        select(SearchLog).where(SearchLog.conversation_id == answer.conversation_id,
                                SearchLog.created_at <= answer.created_at)
        .order_by(SearchLog.created_at.desc(), SearchLog.id.desc()).limit(1))


def _upsert(session: Session, existing: Feedback | None, fresh: Feedback) -> Recorded:
    if existing is None:
        session.add(fresh)
        session.flush()
        return Recorded(fresh, None)
    previous = existing.helpful
    existing.helpful, existing.source, existing.updated_at = fresh.helpful, fresh.source, utcnow()
    if fresh.reply_message_id is not None:
        existing.reply_message_id = fresh.reply_message_id
    session.flush()
    return Recorded(existing, previous)


def record_answer_feedback(session: Session, *, answer: Message, helpful: bool, source: FeedbackSource,
                           reply_message_id: int | None = None) -> Recorded:
    """Stores (or changes: the last word wins) the citizen's verdict on an automatic answer."""
    if not is_automatic_answer(answer):
        raise ValueError(f"message_id: {answer.id} is not an automatic answer")
    existing = session.scalar(select(Feedback).where(Feedback.message_id == answer.id))
    log = search_log_of(session, answer=answer) if existing is None else None
    department = session.scalar(select(KBEntry.department).where(KBEntry.id == answer.faq_id))
    return _upsert(session, existing, Feedback(
        kind=FeedbackKind.ANSWER.value, helpful=helpful, source=source.value, channel=answer.channel,
        conversation_id=answer.conversation_id, message_id=answer.id, search_log_id=log.id if log else None,
        reply_message_id=reply_message_id, faq_id=answer.faq_id, department=department))


def record_help_rating(session: Session, *, handoff: Handoff, helpful: bool, source: FeedbackSource,
                       reply_message_id: int | None = None) -> Recorded:
    """Stores (or changes) the citizen's rating of a resolved handoff."""
    existing = session.scalar(select(Feedback).where(Feedback.handoff_id == handoff.id))
    return _upsert(session, existing, Feedback(
        kind=FeedbackKind.HELP.value, helpful=helpful, source=source.value, channel=handoff.channel,
        conversation_id=handoff.conversation_id, handoff_id=handoff.id, reply_message_id=reply_message_id,
        department=handoff.department))


def latest_rating_request(session: Session, *, conversation_id: str) -> Message | None:
    return session.scalar(
        select(Message).where(Message.conversation_id == conversation_id, Message.author == Author.BOT.value,
                              Message.kind == RATING_KIND).order_by(Message.id.desc()).limit(1))


def ask_rating(session: Session, *, handoff: Handoff) -> Message | None:
    """After a resolution, asks the citizen to rate the help, on the private channels only."""
    conversation = session.get(Conversation, handoff.conversation_id)
    if conversation is None or conversation.channel not in RATING_CHANNELS:
        return None
    text = rating_request(reference=handoff.reference, channel=conversation.channel)
    message = conv_crud.add_outgoing(session, conversation=conversation, author=Author.BOT, text=text,
                                     kind=RATING_KIND, payload={"handoff_id": handoff.id,
                                                                "reference": handoff.reference})
    if conversation.channel != "webchat":
        last = session.scalar(conv_crud.select_last_citizen_message(conversation_id=conversation.id))
        session.add(OutboxItem(conversation_id=conversation.id, message_id=message.id, channel=conversation.channel,
                               payload={"text": text, "reply_to": last.external_id if last else None}))
    publish_on_commit(session, f"conversation:{conversation.id}", {"type": "message", "id": message.id})
    return message


def rated_handoff_id(message: Message) -> int | None:
    """The handoff a rating request (kind ``rating``) asks about."""
    handoff_id = (message.payload or {}).get("handoff_id") if message.kind == RATING_KIND else None
    return handoff_id if isinstance(handoff_id, int) else None


def verdicts_shown(session: Session, *, messages: list[Message]) -> dict[int, bool]:
    """For the answers and rating requests among ``messages``: the verdict given, by message id."""
    answers = [m.id for m in messages if m.kind == ANSWER_KIND]
    asked = {m.id: handoff_id for m in messages if (handoff_id := rated_handoff_id(m)) is not None}
    found: dict[int, bool] = {}
    if answers:
        rows = session.execute(select(Feedback.message_id, Feedback.helpful).where(Feedback.message_id.in_(answers)))
        found.update({int(message_id): bool(helpful) for message_id, helpful in rows.tuples() if message_id})
    if asked:
        rows = session.execute(select(Feedback.handoff_id, Feedback.helpful)
                               .where(Feedback.handoff_id.in_(set(asked.values()))))
        by_handoff = {int(handoff_id): bool(helpful) for handoff_id, helpful in rows.tuples() if handoff_id}
        found.update({mid: by_handoff[hid] for mid, hid in asked.items() if hid in by_handoff})
    return found


def verdicts_by_search(session: Session, *, search_log_ids: list[int]) -> dict[int, bool]:
    """For the editors' inbox: the citizen's verdict on the answer each search produced (the latest one when
    several answers came from one search, e.g. picks from one clarification list)."""
    if not search_log_ids:
        return {}
    rows = session.execute(select(Feedback.search_log_id, Feedback.helpful).where(
        Feedback.kind == FeedbackKind.ANSWER.value, Feedback.search_log_id.in_(search_log_ids))
        .order_by(Feedback.updated_at, Feedback.id))
    return {int(log_id): bool(helpful) for log_id, helpful in rows.tuples() if log_id is not None}
