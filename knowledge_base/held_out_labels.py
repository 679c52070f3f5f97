"""Questions the knowledge base has learnt, ranked as if it had not: labels a refit can trust.

A question an editor confirmed from the training inbox became a variant of its entry; one marked out of
scope became an off-topic example. Ranked against the knowledge base as it is, each finds itself (a
cosine of 1 with its own key, or with its own example) and makes any threshold look right: a refit on
them would answer far more than it should. ``rank_held_out`` ranks them in ``folds`` groups instead,
each group with its own texts taken out of the entries' variants and out of the off-topic list while the
other groups' stay, then puts everything back. It changes the knowledge base it is given while it runs:
for a command (``guichet kb calibrate``) or a benchmark, never for an instance serving citizens.
"""

from __future__ import annotations

from dataclasses import replace

from guichet.db import session_scope
from knowledge_base import store
from knowledge_base.calibration import folds
from knowledge_base.evaluation import Outcome, Question, run_questions
from knowledge_base.off_topic import current_off_topic
from knowledge_base.protocols import reindex
from knowledge_base.service import KnowledgeBase


def rank_held_out(knowledge_base: KnowledgeBase, questions: list[Question], *, k: int = 5,
                  seed: int = 7) -> list[Outcome]:
    """Every question ranked without its own text among the variants and off-topic examples (same order)."""
    if k < 2:
        raise ValueError(f"k: {k} folds cannot hold questions out (at least 2)")
    with session_scope(knowledge_base.factory) as session:
        entries = [store.entry_data(entry) for entry in store.published_entries(session)]
        off_topic = current_off_topic(session)
    outcomes: list[Outcome | None] = [None] * len(questions)
    try:
        for fold in folds(len(questions), k, seed=seed):
            held = {questions[i].text for i in fold}
            touched = [entry for entry in entries if held & set(entry.variants)]
            reindex(knowledge_base, [replace(entry, variants=[v for v in entry.variants if v not in held])
                                        for entry in touched])
            knowledge_base.use_off_topic(off_topic.without(held))
            for i, outcome in zip(fold, run_questions(knowledge_base.analyse, [questions[i] for i in fold]),
                                  strict=True):
                outcomes[i] = outcome
            reindex(knowledge_base, touched)
    finally:
        knowledge_base.use_off_topic(off_topic)
    return [outcome for outcome in outcomes if outcome is not None]
