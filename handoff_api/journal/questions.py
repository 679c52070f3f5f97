"""What citizens asked: the FAQ answers the bot gave most, and the questions it could not answer.

A question the bot could not answer is a search the knowledge base decided to hand over or to
clarify (``kb_search_log``), or a citizen message the bot answered with a handoff for a reason other
than a problem report, a request for a person or an insult. Texts are redacted before anything
else: they are grouped, counted and quoted without personal data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from guichet.contract.redact import redact
from handoff_api.journal.activity import bot_answers, in_week
from handoff_api.journal.records import HandoffRow, MessageRow, SearchRow
from handoff_api.journal.weeks import Week
from knowledge_base.text import fold

UNDERSTOOD_REASONS = ("report_problem", "request_human", "insult")
TOP_ANSWERS = 10


@dataclass(frozen=True)
class TopAnswer:
    faq_id: str
    question: str
    count: int


@dataclass(frozen=True)
class Unanswered:
    text: str  # redacted
    conversation_id: str | None
    decision: str  # handoff | clarify
    department: str | None  # of the handoff the question led to, if any


def top_answers(week: Week, messages: list[MessageRow], questions: dict[str, str]) -> list[TopAnswer]:
    counts = Counter(m.faq_id for m in bot_answers(week, messages) if m.faq_id)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_ANSWERS]
    return [TopAnswer(faq_id, questions.get(faq_id, "(entrée inconnue ou supprimée)"), count)
            for faq_id, count in ranked]


def unanswered(week: Week, messages: list[MessageRow], searches: list[SearchRow],
               handoffs: list[HandoffRow]) -> list[Unanswered]:
    """The week's unanswered questions, one per asking (a search and its message count once).

    A handed-over message is the same asking as a search of its conversation made while the bot handled
    it (between the message and the bot's reply), even when the search was cleaned of @mentions or links.
    """
    department = {h.conversation_id: h.department for h in handoffs}
    found: list[Unanswered] = []
    seen: set[tuple[str | None, str]] = set()
    searched: dict[str, list[datetime]] = {}
    for search in searches:
        if search.conversation_id is not None:
            searched.setdefault(search.conversation_id, []).append(search.created_at)
        if not in_week(week, search.created_at):
            continue
        text = redact(search.text).strip()
        if text:
            seen.add((search.conversation_id, key(text)))
            found.append(Unanswered(text, search.conversation_id, search.decision,
                                    department.get(search.conversation_id or "")))
    by_id = {m.id: m for m in messages}
    for reply in messages:
        if reply.author != "bot" or reply.kind != "handoff" or reply.reply_to_id is None:
            continue
        if reply.handoff_reason in UNDERSTOOD_REASONS:
            continue
        asked = by_id.get(reply.reply_to_id)
        if asked is None or asked.author != "citizen" or not in_week(week, asked.created_at):
            continue
        text = redact(asked.text).strip()
        if not text or (asked.conversation_id, key(text)) in seen:
            continue
        if any(asked.created_at <= moment <= reply.created_at for moment in searched.get(asked.conversation_id, ())):
            continue
        seen.add((asked.conversation_id, key(text)))
        found.append(Unanswered(text, asked.conversation_id, "handoff", department.get(asked.conversation_id)))
    return found


def key(text: str) -> str:
    """Two askings are the same question when they differ only in case, accents, spacing or final marks."""
    return " ".join(fold(text).split()).rstrip(" ?!.")
