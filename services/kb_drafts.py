"""An agent's reply turned into a draft FAQ entry ("Enregistrer comme brouillon FAQ"), for editors to publish."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from guichet.contract.redact import redact
from guichet.crud.conversations import NotFound
from guichet.models import Author, EntryStatus, Handoff, KBEntry, Message
from knowledge_base.store import create_entry
from knowledge_base.validation import TWEET_LIMIT, EntryData, weighted_length

MAX_QUESTION = 500
ELLIPSIS = "…"


def trim_weighted(text: str, limit: int = TWEET_LIMIT) -> str:
    """The text itself if it fits, else as many whole words as fit before an ellipsis."""
    text = " ".join(text.split())
    if weighted_length(text) <= limit:
        return text
    words = text.split(" ")
    low, high = 0, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        if weighted_length(" ".join(words[:middle]) + ELLIPSIS) <= limit:
            low = middle
        else:
            high = middle - 1
    if low:
        return " ".join(words[:low]) + ELLIPSIS
    cut = text
    while cut and weighted_length(cut + ELLIPSIS) > limit:
        cut = cut[: -max(1, len(cut) // 10)]
    return cut + ELLIPSIS


def draft_entry_id(handoff: Handoff, message: Message) -> str:
    return f"brouillon-{handoff.reference.lower()}-{message.id}"


def draft_from_reply(session: Session, *, handoff: Handoff, message_id: int, actor: str) -> KBEntry:
    """A draft entry: question = the citizen's message the reply answered (personal data masked),
    answer = the reply trimmed to 280 weighted characters, department = the handoff's.

    Raises ``NotFound`` if the message is not an agent reply of this handoff's conversation, and
    ``Conflict`` (from the store) if that reply was already saved as a draft.
    """
    message = session.get(Message, message_id)
    if message is None or message.conversation_id != handoff.conversation_id or message.author != Author.AGENT.value:
        raise NotFound(f"message {message_id} is not an agent reply in handoff {handoff.id}")
    question_message = session.scalar(
        select(Message).where(Message.conversation_id == handoff.conversation_id, Message.id < message.id,
                              Message.author == Author.CITIZEN.value)
        .order_by(Message.id.desc()).limit(1)
    )
    if question_message is None:
        raise NotFound(f"handoff {handoff.id} has no citizen message before message {message_id}")
    question = " ".join(redact(question_message.text).split())[:MAX_QUESTION]
    data = EntryData(id=draft_entry_id(handoff, message), question=question, answer=trim_weighted(message.text),
                     department=handoff.department, status=EntryStatus.DRAFT.value, source=f"agent:{actor}")
    return create_entry(session, data=data, actor=actor)
