"""Agents label while they work: resolving a handoff (the console's form or the JSON API), "entry X answers this"
or "the bot should not answer this" lands in the editors' training inbox as a proposal (never a variant by
itself).

The label is a form value: ``entry:<id>`` (an entry the page suggested, or any published one) or
``off_topic``; empty means no label.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

from guichet.crud import conversations as conv_crud
from guichet.crud import handoffs as crud
from guichet.crud.agents import audit
from guichet.models import Agent, EntryStatus, KBEntry
from handoff_api.handoff_suggestions import handoff_question, suggestions_for
from knowledge_base import inbox_store
from knowledge_base.inbox_view import QUESTION_SLACK

OFF_TOPIC = "off_topic"
ENTRY = "entry:"


def parse_label(session: Session, label: str) -> tuple[bool, str | None]:
    """(labelled?, entry id or None for "should not answer"); a label naming no published entry is refused."""
    label = label.strip()
    if not label:
        return False, None
    if label == OFF_TOPIC:
        return True, None
    entry_id = label.removeprefix(ENTRY) if label.startswith(ENTRY) else None
    entry = session.get(KBEntry, entry_id) if entry_id else None
    if entry is None or entry.status != EntryStatus.PUBLISHED.value:
        raise HTTPException(422, f"label: {label!r} is neither {OFF_TOPIC!r} nor 'entry:' and a published entry id")
    return True, entry.id


def record_label(request: Request, session: Session, *, agent: Agent, handoff_id: int, entry_id: str | None) -> None:
    """The proposal on the question that led to the handoff, audited and committed."""
    handoff = crud.get_handoff(session, handoff_id=handoff_id)
    messages = conv_crud.transcript(session, conversation_id=handoff.conversation_id)
    # the question the handoff follows, else (nothing after the handoff either) the citizen's last message
    suggestions, query, _page = suggestions_for(request, messages, handoff_question(session, handoff=handoff))
    hits: list[dict[str, Any]] = [{"id": h.id, "score": h.score, "question": h.question} for h in suggestions or []]
    item = inbox_store.propose(session, conversation_id=handoff.conversation_id,
                               asked_before=handoff.created_at + QUESTION_SLACK, question=query, decision="handoff",
                               hits=hits, by=agent.name, handoff_id=handoff.id, entry_id=entry_id)
    audit(session, actor=agent.name, action="kb.inbox.proposal", target=f"inbox:{item.id}",
          detail={"handoff_id": handoff.id, "entry_id": entry_id})
    session.commit()
