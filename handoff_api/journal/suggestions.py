"""A group of unanswered questions turned into a draft FAQ entry, for an editor to complete and publish."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy.orm import Session

from guichet.contract.redact import redact
from guichet.models import EntryStatus, KBEntry
from knowledge_base.store import create_entry, known_departments
from knowledge_base.text import fold
from knowledge_base.validation import EntryData

DRAFT_ANSWER = "À rédiger : réponse en 280 caractères au plus, en vouvoyant."
MAX_QUESTION = 500


def draft_id(question: str) -> str:
    """ "Pourquoi la piscine est fermée ?" -> "suggestion-pourquoi-la-piscine-est-fermee-1a2b3c"."""
    slug = "-".join(re.findall(r"[a-z0-9]+", fold(question)))[:60].strip("-") or "question"
    digest = hashlib.sha256(question.encode()).hexdigest()[:6]
    return f"suggestion-{slug}-{digest}"


def create_draft(session: Session, *, question: str, department: str, examples: list[str], week: str,
                 actor: str) -> tuple[KBEntry, bool]:
    """The draft entry for this question (created, or the one already made: clicking twice is harmless)."""
    question = " ".join(redact(question).split())[:MAX_QUESTION]
    if not question:
        raise ValueError("question: must not be empty")
    if department not in known_departments(session):
        raise ValueError(f"department: {department!r} is not a known department")
    entry_id = draft_id(question)
    existing = session.get(KBEntry, entry_id)
    if existing is not None and existing.status != EntryStatus.DELETED.value:
        return existing, False
    variants = [text for text in dict.fromkeys(" ".join(redact(e).split())[:MAX_QUESTION] for e in examples)
                if text and text != question]
    data = EntryData(id=entry_id, question=question, answer=DRAFT_ANSWER, department=department,
                     variants=variants, status=EntryStatus.DRAFT.value, source=f"journal des usagers {week}")
    return create_entry(session, data=data, actor=actor), True
