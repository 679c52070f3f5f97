"""The hybrid index: dense (e5) and lexical (BM25) scores of every published entry, fused.

An entry's dense score blends a soft maximum of the cosines between the query and its question
or variants (embedded as e5 "query: " texts: matching a question to a question is a symmetric
task) with the cosine to the whole entry (question, variants and answer as one "passage: ") and,
at a lower weight, to its answer alone. Its lexical score is the normalised BM25 of its words.
The fused score is ``dense + lexical_weight * lexical``. Weights were tuned on knowledge_base/eval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from knowledge_base.dense import DenseIndex
from knowledge_base.lexical import LexicalIndex
from knowledge_base.validation import EntryData

MAX_QUERY_CHARS = 2000  # about the model's 512 tokens; the encoder truncates to exactly 512


@dataclass(frozen=True)
class FusionConfig:
    key_weight: float = 0.7
    document_weight: float = 1.0
    answer_weight: float = 0.0
    tau: float = 0.05
    lexical_weight: float = 0.04
    question_repeat: int = 2
    candidates: int = 10


@dataclass(frozen=True)
class Ranked:
    id: str
    score: float
    dense: float
    lexical: float


def key_texts(entry: EntryData) -> list[str]:
    """Embedded as queries, one vector each."""
    return list(dict.fromkeys([entry.question, *entry.variants]))


def passage_texts(entry: EntryData) -> list[str]:
    """Embedded as passages: the whole entry, then the answer alone."""
    return [" ".join([entry.question, *entry.variants, entry.answer]), entry.answer]


def lexical_fields(entry: EntryData, config: FusionConfig) -> list[tuple[str, int]]:
    return [(entry.question, config.question_repeat), *((variant, 1) for variant in entry.variants),
            (entry.answer, 1), (" ".join(entry.tags).replace("-", " "), 1)]


class HybridIndex:
    def __init__(self, dim: int, config: FusionConfig | None = None) -> None:
        self.config = config or FusionConfig()
        self.dense = DenseIndex(dim, key_weight=self.config.key_weight, tau=self.config.tau,
                                passage_weights=(self.config.document_weight, self.config.answer_weight))
        self.lexical = LexicalIndex()
        self.entries: dict[str, EntryData] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def put(self, entry: EntryData, keys: npt.NDArray[np.float32], passages: npt.NDArray[np.float32]) -> None:
        self.dense.put(entry.id, keys, passages)
        self.lexical.put(entry.id, lexical_fields(entry, self.config))
        self.entries[entry.id] = entry

    def put_many(self, items: list[tuple[EntryData, npt.NDArray[np.float32], npt.NDArray[np.float32]]]) -> None:
        self.dense.put_many([(entry.id, keys, passages) for entry, keys, passages in items])
        for entry, _keys, _passages in items:
            self.lexical.put(entry.id, lexical_fields(entry, self.config))
            self.entries[entry.id] = entry

    def remove(self, entry_id: str) -> None:
        self.dense.remove(entry_id)
        self.lexical.remove(entry_id)
        self.entries.pop(entry_id, None)

    def rank(self, text: str, query: npt.NDArray[np.float32], *, limit: int | None = None) -> list[Ranked]:
        """The best entries for a query text and its vector, best first."""
        dense = self.dense.scores(query)
        if len(dense) == 0:
            return []
        lexical = self.lexical.scores(text[:MAX_QUERY_CHARS])
        fused = dense.copy()
        weight = self.config.lexical_weight
        for entry_id, score in lexical.items():
            slot = self.dense.slot_of(entry_id)
            if slot is not None:
                fused[slot] += weight * score
        count = min(limit or self.config.candidates, len(self.entries))
        top = np.argpartition(-fused, count - 1)[:count] if count < len(fused) else np.arange(len(fused))
        ranked = []
        for slot in top[np.argsort(-fused[top], kind="stable")]:
            found = self.dense.id_at(int(slot))
            if found is not None:
                ranked.append(Ranked(found, float(fused[slot]), float(dense[slot]), lexical.get(found, 0.0)))
        return ranked
