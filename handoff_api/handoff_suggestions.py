"""What a handoff is about, for the agent's page and the agent's label: the question it follows and the knowledge
base's top 3 for that question.

The question is the last one the FAQ search logged in the conversation up to the handoff (the item the training
inbox holds), else the one the bot's handoff names (``details.question``: the citizen's last message that was
neither a request for a person, a greeting, a yes or no, nor an answer to a form's question; a question read as a
report reaches no search), else the citizen's first message after the handoff (who asks for a person at once
says what it is about to the person), else the citizen's last message."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from guichet.models import Author, Handoff, InboxItem, Message
from knowledge_base.inbox_view import QUESTION_SLACK
from knowledge_base.types import PageElsewhere, SearchService

log = logging.getLogger("guichet.console")


def handoff_question(session: Session, *, handoff: Handoff) -> str | None:
    """The question the handoff follows: the last one the FAQ search logged in the conversation up to the
    handoff (masked, as the inbox keeps it), else the one the bot's handoff names, else what the citizen told the
    person first; None when none says, rather than the citizen's last words ("je veux parler à quelqu'un")."""
    item = session.scalar(select(InboxItem).where(InboxItem.conversation_id == handoff.conversation_id,
                                                  InboxItem.created_at <= handoff.created_at + QUESTION_SLACK)
                          .order_by(InboxItem.created_at.desc(), InboxItem.id.desc()).limit(1))
    if item is not None:
        return item.text
    named = (handoff.details or {}).get("question")
    if isinstance(named, str) and named.strip():
        return named.strip()
    told = session.scalar(select(Message).where(Message.conversation_id == handoff.conversation_id,
                                                Message.author == Author.CITIZEN.value,
                                                Message.created_at > handoff.created_at)
                          .order_by(Message.created_at, Message.id).limit(1))
    return told.text if told is not None else None


def suggestions_for(request: Request, messages: list[Message],
                    question: str | None = None) -> tuple[list[Any] | None, str, PageElsewhere | None]:
    """The knowledge base's top 3 for ``question`` (the one the handoff follows), else for the last citizen
    message, and the Service-public.fr page that held the answer back, if one did; ``None`` when the knowledge base
    cannot answer."""
    last = next((m for m in reversed(messages) if m.author == Author.CITIZEN.value), None)
    query = question or (last.text if last is not None else "")
    if not query:
        return [], "", None
    knowledge_base: SearchService | None = request.app.state.knowledge_base
    if knowledge_base is None or not knowledge_base.ready:
        return None, query, None
    try:
        result = knowledge_base.search(query, top_k=3)
    except Exception:
        log.exception("suggestions for the console failed")
        return None, query, None
    return list(result.hits), query, result.page
