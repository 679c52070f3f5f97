"""What the training inbox shows for each question: its group of similar questions, the citizen's feedback
and what the agent did (the handoff it led to, an agent's label). One dict per item, for the API and the
console alike.

Questions are grouped with the Journal's clustering (``knowledge_base.clustering``), on the running knowledge
base's encoder; without one (still loading), each question is its own group.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from guichet.crud.feedback import verdicts_by_search
from guichet.models import Handoff, InboxItem
from knowledge_base.clustering import DEFAULT_THRESHOLD, MAX_QUESTIONS, agglomerate
from knowledge_base.embedding_cache import embed
from knowledge_base.store import unfilled_entry_ids
from knowledge_base.types import Encoder

QUESTION_SLACK = timedelta(seconds=5)  # a handoff created just before its search was logged still follows it


def citizen_feedback(session: Session, *, items: list[InboxItem]) -> dict[int, bool | None]:
    """The citizen's "was this helpful" on the answer each question got: True, False or None (not given),
    read through the search that produced the answer (``citizen_feedback.search_log_id``)."""
    verdicts = verdicts_by_search(session, search_log_ids=[i.search_log_id for i in items if i.search_log_id])
    return {item.id: verdicts.get(item.search_log_id) if item.search_log_id else None for item in items}


def agent_outcomes(session: Session, *, items: list[InboxItem]) -> dict[int, dict[str, Any] | None]:
    """The handoff each question led to (reference, status, department), the first one of its conversation
    created from the question on."""
    conversation_ids = {item.conversation_id for item in items if item.conversation_id}
    if not conversation_ids:
        return {item.id: None for item in items}
    handoffs = list(session.scalars(select(Handoff).where(Handoff.conversation_id.in_(conversation_ids))
                                    .order_by(Handoff.created_at, Handoff.id)))
    out: dict[int, dict[str, Any] | None] = {}
    for item in items:
        found = next((h for h in handoffs if h.conversation_id == item.conversation_id
                      and h.created_at >= item.created_at - QUESTION_SLACK), None)
        out[item.id] = None if found is None else {
            "handoff_id": found.id, "reference": found.reference, "status": found.status,
            "department": found.department}
    return out


def groups(session: Session, *, items: list[InboxItem], encoder: Encoder | None,
           threshold: float = DEFAULT_THRESHOLD) -> dict[int, int]:
    """Each item's group: the id of the group's most central (most representative) item."""
    if encoder is None or not items:
        return {item.id: item.id for item in items}
    texts = list(dict.fromkeys(item.text for item in items))[:MAX_QUESTIONS]
    weights = [sum(1 for item in items if item.text == text) for text in texts]
    vectors = embed(session, encoder=encoder, kind="query", texts=texts)
    head_of_text: dict[str, str] = {}
    for cluster in agglomerate(vectors, weights, threshold=threshold):
        head = texts[cluster.members[0]]
        for member in cluster.members:
            head_of_text[texts[member]] = head
    first_item: dict[str, int] = {}
    for item in items:
        first_item.setdefault(item.text, item.id)
    return {item.id: first_item[head_of_text.get(item.text, item.text)] for item in items}


def item_out(item: InboxItem, *, feedback: bool | None, agent: dict[str, Any] | None, group: int,
             unfilled: set[str]) -> dict[str, Any]:
    """``unfilled``: the ids, among the item's hits, of entries still holding a placeholder today (the bot hands
    such a question off whatever its variants: an editor must write the missing fact first)."""
    return {"id": item.id, "text": item.text, "decision": item.decision, "hits": item.hits, "page": item.page,
            "unfilled": [hit["id"] for hit in item.hits or [] if hit.get("id") in unfilled],
            "feedback": feedback, "agent": {"handoff": agent, "label": item.proposal},
            "group": group, "source": item.source, "status": item.status, "entry_id": item.entry_id,
            "decided_by": item.decided_by, "decided_at": item.decided_at, "created_at": item.created_at}


def inbox_view(session: Session, *, items: list[InboxItem], encoder: Encoder | None) -> list[dict[str, Any]]:
    """The items as the API returns them, in the order given (newest first), each with its group."""
    feedback = citizen_feedback(session, items=items)
    outcomes = agent_outcomes(session, items=items)
    grouped = groups(session, items=items, encoder=encoder)
    unfilled = set(unfilled_entry_ids(session)) if items else set()
    return [item_out(item, feedback=feedback[item.id], agent=outcomes[item.id], group=grouped[item.id],
                     unfilled=unfilled) for item in items]


def by_group(view: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The items grouped, the group with the newest question first; newest first within a group."""
    ordered: dict[int, list[dict[str, Any]]] = {}
    for item in view:
        ordered.setdefault(item["group"], []).append(item)
    return list(ordered.values())


def top_unanswered(session: Session, *, items: list[InboxItem], encoder: Encoder | None,
                   limit: int = 5) -> list[dict[str, Any]]:
    """The largest groups of open questions the bot did not answer: the representative item, its text, the count."""
    unanswered = [item for item in items if item.decision != "answer"]
    grouped = groups(session, items=unanswered, encoder=encoder)
    counts: dict[int, int] = {}
    for item in unanswered:
        counts[grouped[item.id]] = counts.get(grouped[item.id], 0) + 1
    text = {item.id: item.text for item in unanswered}
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], -pair[0]))[:limit]
    return [{"item_id": head, "text": text[head], "count": count} for head, count in ranked]
