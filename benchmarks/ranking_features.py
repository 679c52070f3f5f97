"""Per-candidate signals of every question against an index, computed once, so that any weighting
of them (today's fixed one, a fitted one) ranks the same candidates on the same vectors.

Signals (one row per candidate entry): the soft maximum of the cosines to the entry's question and
variants ("key"), the cosine to the whole entry as a passage ("document"), to its answer alone
("answer"), the normalised BM25 of all its fields ("lexical") and of its question and tags only
("title"). Candidates: the best ``POOL`` entries by today's dense blend and by BM25, as in
``HybridIndex.rank``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from benchmarks.ranking_data import VectorCache
from knowledge_base.evaluation import Question
from knowledge_base.lexical import LexicalIndex
from knowledge_base.ranking import POOL, FusionConfig, key_texts, lexical_fields
from knowledge_base.text import has_content
from knowledge_base.validation import EntryData

SIGNALS = ("key", "document", "answer", "lexical", "title")


def title_fields(entry: EntryData) -> list[tuple[str, int]]:
    """What the entry is about, without its answer: question and tags (variants are asked questions too)."""
    return [(entry.question, 1), *((variant, 1) for variant in entry.variants),
            (" ".join(entry.tags).replace("-", " "), 1)]


@dataclass
class QueryCandidates:
    question: Question
    ids: list[str]
    features: npt.NDArray[np.float64]  # (candidates, len(SIGNALS))

    def label(self) -> npt.NDArray[np.bool_]:
        return np.array([i == self.question.expected for i in self.ids], dtype=bool)


class FeatureIndex:
    def __init__(self, entries: list[EntryData], cache: VectorCache, *, tau: float = 0.05) -> None:
        self.entries = entries
        self.ids = [e.id for e in entries]
        keys = [key_texts(e) for e in entries]
        self.keys = cache.get("query", [t for ks in keys for t in ks])
        self.key_slot = np.repeat(np.arange(len(entries)), [len(ks) for ks in keys])
        self.documents = cache.get("passage", [" ".join([e.question, *e.variants, e.answer]) for e in entries])
        self.answers = cache.get("passage", [e.answer for e in entries])
        self.tau = tau
        config = FusionConfig()
        self.lexical = LexicalIndex()
        self.title = LexicalIndex()
        for entry in entries:
            self.lexical.put(entry.id, lexical_fields(entry, config))
            self.title.put(entry.id, title_fields(entry))

    def candidates(self, question: Question, cache: VectorCache) -> QueryCandidates:
        if not has_content(question.text):
            return QueryCandidates(question, [], np.zeros((0, len(SIGNALS))))
        from knowledge_base.abbreviations import expand

        text = expand(question.text.strip())
        query = cache.get("query", [text])[0]
        weights = np.exp((self.keys @ query - 1.0) / self.tau)
        key = 1.0 + self.tau * np.log(np.maximum(np.bincount(self.key_slot, weights=weights,
                                                             minlength=len(self.ids)), 1e-30))
        document = self.documents @ query
        answer = self.answers @ query
        lexical = self.lexical.score(text)
        title = self.title.score(text)
        lex = np.array([lexical.get(i) for i in self.ids])
        tit = np.array([title.get(i) for i in self.ids])
        blend = (0.7 * key + document) / 1.7
        pool = min(POOL, len(self.ids))
        chosen = set(np.argpartition(-blend, pool - 1)[:pool].tolist())
        chosen |= {self.ids.index(i) for i, _ in lexical.top(POOL)}
        slots = sorted(chosen)
        features = np.stack([key[slots], document[slots], answer[slots], lex[slots], tit[slots]], axis=1)
        return QueryCandidates(question, [self.ids[s] for s in slots], features)
