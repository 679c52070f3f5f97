"""The training inbox's rows: recorded from the citizens' searches and the agents' labels, labelled by editors.

Every text is masked (``privacy.redact``) before it is stored, so nothing an editor sees or confirms holds
an e-mail, a phone number, a NIR, an IBAN or a street address. Nothing becomes a variant before an editor
confirms it: the agents' labels are proposals. Each editor action goes through the entry or off-topic
store, which writes its revision; the caller audits, commits and refreshes the running search.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from guichet.contract.redact import redact
from guichet.crud.conversations import NotFound
from guichet.crud.handoffs import Conflict
from guichet.models import EntryStatus, InboxItem, InboxStatus, OffTopicSource, utcnow
from knowledge_base import off_topic_store, store
from knowledge_base.evaluation import Question
from knowledge_base.text import has_content
from knowledge_base.types import Hit, PageElsewhere
from knowledge_base.validation import EntryData

TOP = 3
MAX_TEXT = 500  # the longest variant or off-topic example the stores accept
OUT_OF_SCOPE_KIND = "near_misses"
PLACEHOLDER_ANSWER = "{{à compléter : la réponse}}"


def masked(text: str) -> str:
    return " ".join(redact(text).split())[:MAX_TEXT]


def hits_of(hits: list[Hit]) -> list[dict[str, Any]]:
    return [{"id": hit.id, "score": hit.score, "question": hit.question} for hit in hits[:TOP]]


def page_of(page: PageElsewhere | None) -> dict[str, Any] | None:
    return None if page is None else asdict(page)


def record_search(session: Session, *, search_log_id: int | None, conversation_id: str | None, text: str,
                  decision: str, hits: list[Hit], page: PageElsewhere | None = None) -> InboxItem | None:
    """A citizen's question as the bot saw it (None when the message has nothing to look up); ``page``: the
    Service-public.fr page that held its answer back, if one did."""
    text = masked(text)
    if not has_content(text):
        return None
    item = InboxItem(search_log_id=search_log_id, conversation_id=conversation_id, text=text, decision=decision,
                     hits=hits_of(hits), page=page_of(page), source="search", status=InboxStatus.OPEN.value)
    session.add(item)
    session.flush()
    return item


def propose(session: Session, *, conversation_id: str, asked_before: datetime, question: str, decision: str,
            hits: list[dict[str, Any]], by: str, handoff_id: int, entry_id: str | None) -> InboxItem:
    """An agent's label ("entry X answers this", or ``entry_id`` None: "the bot should not answer this").

    It goes on the conversation's latest open inbox item asked before ``asked_before`` (the question that
    led to the handoff), or, when the search logged none, on a new item made from ``question``."""
    proposal = {"by": by, "handoff_id": handoff_id, "entry_id": entry_id, "out_of_scope": entry_id is None}
    item = session.scalar(select(InboxItem).where(InboxItem.conversation_id == conversation_id,
                                                  InboxItem.created_at <= asked_before,
                                                  InboxItem.status == InboxStatus.OPEN.value)
                          .order_by(InboxItem.created_at.desc(), InboxItem.id.desc()).limit(1))
    if item is None:
        item = InboxItem(conversation_id=conversation_id, text=masked(question), decision=decision,
                         hits=hits[:TOP], source="agent", status=InboxStatus.OPEN.value)
        session.add(item)
    item.proposal = proposal
    session.flush()
    return item


def list_items(session: Session, *, since: datetime | None = None, status: str | None = InboxStatus.OPEN.value,
               limit: int = 500) -> list[InboxItem]:
    """Newest first; ``status`` None: every status."""
    query = select(InboxItem)
    if status is not None:
        query = query.where(InboxItem.status == status)
    if since is not None:
        query = query.where(InboxItem.created_at >= since)
    return list(session.scalars(query.order_by(InboxItem.created_at.desc(), InboxItem.id.desc()).limit(limit)))


def get_item(session: Session, *, item_id: int) -> InboxItem:
    item = session.get(InboxItem, item_id)
    if item is None:
        raise NotFound(f"inbox item {item_id} does not exist")
    return item


def _open(session: Session, item_id: int) -> InboxItem:
    item = get_item(session, item_id=item_id)
    if item.status != InboxStatus.OPEN.value:
        raise Conflict(f"inbox item {item_id} is already {item.status} (by {item.decided_by})")
    return item


def _decide(item: InboxItem, *, status: InboxStatus, actor: str, entry_id: str | None = None) -> InboxItem:
    item.status, item.entry_id, item.decided_by, item.decided_at = status.value, entry_id, actor, utcnow()
    return item


def confirm(session: Session, *, item_id: int, entry_id: str, actor: str) -> InboxItem:
    """The question becomes a variant of ``entry_id`` (a revision of the entry, action ``inbox``)."""
    item = _open(session, item_id)
    entry = store.get_entry(session, entry_id=entry_id, include_deleted=False)
    data = store.entry_data(entry)
    if item.text not in data.variants and item.text != data.question:
        store.update_entry(session, data=EntryData(**{**data.as_dict(), "variants": [*data.variants, item.text]}),
                           actor=actor, action="inbox")
    return _decide(item, status=InboxStatus.CONFIRMED, actor=actor, entry_id=entry.id)


def out_of_scope(session: Session, *, item_id: int, actor: str, kind: str = OUT_OF_SCOPE_KIND) -> InboxItem:
    """The question joins the off-topic examples (a revision of the list)."""
    item = _open(session, item_id)
    if item.text not in off_topic_store.live_texts(session):
        off_topic_store.create_example(session, text=item.text, kind=kind, actor=actor,
                                       source=OffTopicSource.INBOX)
    return _decide(item, status=InboxStatus.OUT_OF_SCOPE, actor=actor)


def new_entry(session: Session, *, item_id: int, actor: str, department: str | None = None) -> InboxItem:
    """A draft entry prefilled with the question, to be written and published by the editor."""
    item = _open(session, item_id)
    entry_id = f"brouillon-boite-{item.id}"
    if department is None:
        first = next((hit["id"] for hit in item.hits), None)
        department = store.get_entry(session, entry_id=first).department if first else "accueil"
    data = EntryData(id=entry_id, question=item.text, answer=PLACEHOLDER_ANSWER, department=department,
                     status=EntryStatus.DRAFT.value, source=f"inbox:{actor}")
    store.create_entry(session, data=data, actor=actor)
    return _decide(item, status=InboxStatus.NEW_ENTRY, actor=actor, entry_id=entry_id)


def dismiss(session: Session, *, item_id: int, actor: str) -> InboxItem:
    return _decide(_open(session, item_id), status=InboxStatus.DISMISSED, actor=actor)


def labelled_questions(session: Session) -> list[Question]:
    """What editors decided, as labelled questions for the decision's refit: confirmed -> the entry,
    out of scope -> nothing should answer. A new entry's question waits until that entry is published."""
    questions = []
    for item in session.scalars(select(InboxItem).where(InboxItem.status.in_(
            (InboxStatus.CONFIRMED.value, InboxStatus.OUT_OF_SCOPE.value))).order_by(InboxItem.id)):
        if item.status == InboxStatus.CONFIRMED.value:
            questions.append(Question(text=item.text, expected=item.entry_id, category="inbox"))
        else:
            questions.append(Question(text=item.text, expected=None, category="inbox_out_of_scope"))
    return questions
