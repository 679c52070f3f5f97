"""Guichet's side of the Rasa baseline, measured in the same run: the same questions, the same two edits.

Quality comes from ``benchmarks.kb_search.quality`` (hybrid and its decision, dense alone, BM25 alone,
decisions cross-validated). The edits are the ones the baseline retrains Rasa for: one answer's text
changed, one variant added. Each is saved as an editor saves it (``knowledge_base.store``), then the entry
is re-indexed (``KnowledgeBase.refresh``); the time is that re-indexing, after which the next search
already returns the new text.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.kb_search import edit, quality
from guichet.db import make_engine, make_session_factory, session_scope
from guichet.migrate import upgrade
from guichet.settings import Settings
from knowledge_base import store
from knowledge_base.evaluation import Question
from knowledge_base.loader import load_knowledge_base
from knowledge_base.service import KnowledgeBase


@dataclass(frozen=True)
class Edit:
    label: str
    seconds: float
    check: str


@dataclass(frozen=True)
class GuichetSide:
    methods: list[tuple[str, dict[str, float]]]
    edits: list[Edit]


def top_hit(knowledge_base: KnowledgeBase, text: str) -> str:
    hits = knowledge_base.search(text).hits
    return f"{hits[0].id} ({hits[0].score:.2f})" if hits else "-"


def measure(questions: list[Question], *, entry_id: str, new_answer: str, new_variant: str) -> GuichetSide:
    folder = Path(tempfile.mkdtemp(prefix="guichet-side-"))
    settings = Settings(var_dir=folder, embedding_model=Settings().resolved_embedding_model, seed_faq_on_start=True)
    engine = make_engine(settings)
    upgrade(engine)
    knowledge_base = load_knowledge_base(settings, make_session_factory(engine))
    methods = quality(knowledge_base, questions)

    with session_scope(knowledge_base.factory) as session:
        entry = store.entry_data(store.get_entry(session, entry_id=entry_id))
    answer_seconds = edit(knowledge_base, entry_id, answer=new_answer)
    hit = knowledge_base.search(entry.question).hits[0]
    answered = "yes" if (hit.id, hit.answer) == (entry_id, new_answer) else "NO"
    before = top_hit(knowledge_base, new_variant)
    variant_seconds = edit(knowledge_base, entry_id, variants=[*entry.variants, new_variant])
    after = top_hit(knowledge_base, new_variant)
    engine.dispose()
    return GuichetSide(methods, [
        Edit(f"one answer's text changed ({entry_id})", answer_seconds,
             f"the next search for «{entry.question}» returns the new text: {answered}"),
        Edit(f"one variant added ({entry_id})", variant_seconds,
             f"top-1 for «{new_variant}» before: {before}; after: {after}"),
    ])
