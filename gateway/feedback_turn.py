"""The gateway's side of citizens' feedback: is this inbound message feedback rather than a new request?

Before a message goes to the assistant, ``read_feedback`` looks at what was said just before it:

- the rating of a person's help was asked (a bot message of kind ``rating``, within
  ``rating_window_hours``) and the message is 👍/👎 (or oui/non): the rating is stored and thanked for;
  the assistant never sees it;
- an automatic answer was the last thing said (within ``feedback_window_minutes``) and the message is a
  short negative ("non", "pas du tout", "ça ne répond pas"): negative feedback is stored and the turn goes
  to the assistant as the citizen's request for a person (``REQUEST_HUMAN``), so the existing handoff
  (same action, same department as the answer's entry, same reference and expectation) is offered at once;
- the web chat's « Non » button sends its own message carrying ``{"feedback_on": <answer id>}``: the
  feedback is already stored, the turn is a request for a person.
"""

from __future__ import annotations

from datetime import timedelta
from enum import Enum

from sqlalchemy.orm import Session

from gateway.feedback_replies import is_short_negative, parse_rating
from guichet.contract.replies import Reply
from guichet.contract.tweet_length import TWEET_LIMIT, weighted_length
from guichet.crud import feedback as feedback_crud
from guichet.models import FeedbackSource, Message, Owner
from guichet.settings import Settings

REQUEST_HUMAN = "/request_human"
"""Sent to Rasa instead of the negative reply: its intent, as the citizen asking for a person."""
BUTTON_ECHO = "Non, cette réponse ne m'aide pas."
"""The citizen's message the web chat's « Non » button writes in the conversation."""


class Verdict(Enum):
    NEGATIVE = "negative"  # on an automatic answer: hand over to a person
    RATING = "rating"  # of a person's help: thank, nothing else


def read_feedback(session: Session, *, message: Message, settings: Settings) -> Verdict | None:
    """Stores the feedback ``message`` carries, if any, and says which."""
    conversation = message.conversation
    if conversation.owner != Owner.BOT.value:
        return None
    if isinstance((message.payload or {}).get("feedback_on"), int):
        return Verdict.NEGATIVE
    handoff = feedback_crud.rating_asked(session, conversation_id=conversation.id, before_id=message.id,
                                         window=timedelta(hours=settings.rating_window_hours))
    rating = parse_rating(message.text) if handoff is not None else None
    if handoff is not None and rating is not None:
        feedback_crud.record_help_rating(session, handoff=handoff, helpful=rating, source=FeedbackSource.REPLY,
                                         reply_message_id=message.id)
        return Verdict.RATING
    answer = feedback_crud.answer_just_given(session, conversation_id=conversation.id, before_id=message.id,
                                             window=timedelta(minutes=settings.feedback_window_minutes))
    if answer is not None and is_short_negative(message.text):
        feedback_crud.record_answer_feedback(session, answer=answer, helpful=False, source=FeedbackSource.REPLY,
                                             reply_message_id=message.id)
        return Verdict.NEGATIVE
    return None


def with_apology(replies: list[Reply]) -> list[Reply]:
    """The handoff offered after a negative feedback opens with a word of apology."""
    if replies and weighted_length(f"{feedback_crud.NEGATIVE_SORRY} {replies[0].text}") <= TWEET_LIMIT:
        replies[0].text = f"{feedback_crud.NEGATIVE_SORRY} {replies[0].text}"
        return replies
    return [Reply(feedback_crud.NEGATIVE_SORRY, "info"), *replies]
