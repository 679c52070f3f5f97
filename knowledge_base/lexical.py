"""BM25 over accent-folded stems, updated one entry at a time, forgiving one typo per word.

A query word absent from the vocabulary is matched to the indexed words one edit away (deletion
neighbourhoods, as in SymSpell), and to longer indexed words it begins ("carte" -> "cartes", "inscri"
-> "inscription"), each at a reduced weight. Scores are divided by the best the query could reach
(every word found with full weight in a short document), so they sit in [0, 1] whatever the query.

Documents have slots (a removed document's slot is reused); each term's postings are also kept as
two arrays (slots, counts), rebuilt only when a document with that term changes, so a query scores
every document of a term in one numpy operation instead of one Python step per document.
"""

from __future__ import annotations

import math
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from knowledge_base.text import tokens

K1 = 1.2
B = 0.75
TYPO_WEIGHT = 0.6
PREFIX_MIN = 4


def _deletions(term: str) -> set[str]:
    if len(term) < 4:
        return {term}
    return {term} | {term[:i] + term[i + 1:] for i in range(len(term))}


@dataclass(frozen=True)
class LexicalScores:
    """One query's normalised scores by slot (0: no shared word); valid until the index next changes."""

    values: npt.NDArray[np.float64]
    slots: dict[str, int]
    ids: list[str | None]

    def get(self, doc_id: str) -> float:
        slot = self.slots.get(doc_id)
        return float(self.values[slot]) if slot is not None and slot < len(self.values) else 0.0

    def top(self, limit: int) -> list[tuple[str, float]]:
        """The ``limit`` best documents sharing a word with the query, best first."""
        found = np.flatnonzero(self.values)
        if len(found) > limit:
            found = found[np.argpartition(-self.values[found], limit - 1)[:limit]]
        found = found[np.argsort(-self.values[found], kind="stable")]
        return [(doc_id, float(self.values[slot])) for slot in found if (doc_id := self.ids[slot]) is not None]

    def as_dict(self) -> dict[str, float]:
        return {doc_id: float(self.values[slot]) for slot in np.flatnonzero(self.values)
                if (doc_id := self.ids[slot]) is not None}


class LexicalIndex:
    def __init__(self) -> None:
        self._postings: dict[str, dict[int, int]] = defaultdict(dict)
        self._arrays: dict[str, tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]] = {}
        self._slots: dict[str, int] = {}
        self._ids: list[str | None] = []
        self._free: list[int] = []
        self._lengths = np.zeros(0, dtype=np.float64)
        self._terms: dict[int, list[str]] = {}
        self._total_length = 0
        self._near: dict[str, set[str]] = defaultdict(set)
        self._prefixes: dict[str, set[str]] = defaultdict(set)

    def __len__(self) -> int:
        return len(self._slots)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._slots

    def put(self, doc_id: str, fields: list[tuple[str, int]]) -> None:
        """Index (or re-index) a document from ``(text, repeat)`` fields: repeat weighs a field."""
        self.remove(doc_id)
        counts: Counter[str] = Counter()
        for text, repeat in fields:
            for token in tokens(text):
                counts[token] += repeat
        slot = self._new_slot(doc_id)
        terms = [sys.intern(term) for term in counts]  # one copy of each word, not one per document
        for term, count in zip(terms, counts.values(), strict=True):
            if not self._postings[term]:
                self._add_term(term)
            self._postings[term][slot] = count
            self._arrays.pop(term, None)
        length = sum(counts.values())
        self._terms[slot] = terms
        self._lengths[slot] = length
        self._total_length += length

    def _new_slot(self, doc_id: str) -> int:
        if self._free:
            slot = self._free.pop()
            self._ids[slot] = doc_id
        else:
            slot = len(self._ids)
            self._ids.append(doc_id)
            if slot >= len(self._lengths):
                grown = np.zeros(max(16, 2 * len(self._lengths)), dtype=np.float64)
                grown[: len(self._lengths)] = self._lengths
                self._lengths = grown
        self._slots[doc_id] = slot
        return slot

    def remove(self, doc_id: str) -> None:
        slot = self._slots.pop(doc_id, None)
        if slot is None:
            return
        self._ids[slot] = None
        self._free.append(slot)
        self._total_length -= int(self._lengths[slot])
        self._lengths[slot] = 0.0
        for term in self._terms.pop(slot):
            del self._postings[term][slot]
            self._arrays.pop(term, None)
            if not self._postings[term]:
                del self._postings[term]
                self._drop_term(term)

    def _add_term(self, term: str) -> None:
        for key in _deletions(term):
            self._near[key].add(term)
        for size in range(PREFIX_MIN, len(term)):
            self._prefixes[term[:size]].add(term)

    def _drop_term(self, term: str) -> None:
        for key in _deletions(term):
            self._near[key].discard(term)
        for size in range(PREFIX_MIN, len(term)):
            self._prefixes[term[:size]].discard(term)

    def _expand(self, term: str) -> dict[str, float]:
        """Indexed terms standing for a query term, with their weight."""
        if term in self._postings:
            return {term: 1.0}
        found: dict[str, float] = {}
        for key in _deletions(term) if len(term) >= 5 else ():
            for near in self._near.get(key, ()):
                if abs(len(near) - len(term)) <= 1:
                    found[near] = TYPO_WEIGHT
        if len(term) >= PREFIX_MIN:
            for longer in self._prefixes.get(term, ()):
                found.setdefault(longer, TYPO_WEIGHT)
        return found

    def _idf(self, term: str) -> float:
        count = len(self._postings.get(term, ()))
        total = len(self._slots)
        return math.log(1.0 + (total - count + 0.5) / (count + 0.5))

    def _posting_arrays(self, term: str) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        arrays = self._arrays.get(term)
        if arrays is None:
            postings = self._postings[term]
            arrays = (np.fromiter(postings.keys(), dtype=np.intp, count=len(postings)),
                      np.fromiter(postings.values(), dtype=np.float64, count=len(postings)))
            self._arrays[term] = arrays
        return arrays

    def score(self, text: str) -> LexicalScores:
        """Normalised BM25 of every document for ``text``: 0 for those sharing no word with it."""
        values = np.zeros(len(self._ids), dtype=np.float64)
        if not self._slots:
            return LexicalScores(values, self._slots, self._ids)
        average = self._total_length / len(self._slots) or 1.0
        norms = K1 * (1 - B + B * self._lengths[: len(self._ids)] / average)
        best = 0.0
        for term in dict.fromkeys(tokens(text)):
            expansion = self._expand(term)
            idf_max = max((self._idf(t) for t in expansion), default=math.log(1.0 + len(self._slots) + 0.5))
            best += idf_max * (K1 + 1) / (1 + K1 * (1 - B + B * 0.5))
            found = [self._term_scores(indexed, weight, norms) for indexed, weight in expansion.items()]
            if len(found) == 1:
                values[found[0][0]] += found[0][1]
            elif found:  # a document found through several spellings counts the best one
                per_term = np.zeros_like(values)
                for slots, scores in found:
                    per_term[slots] = np.maximum(per_term[slots], scores)
                values += per_term
        if best > 0:
            np.minimum(values / best, 1.0, out=values)
        return LexicalScores(values, self._slots, self._ids)

    def _term_scores(self, term: str, weight: float,
                     norms: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        slots, counts = self._posting_arrays(term)
        return slots, self._idf(term) * weight * counts * (K1 + 1) / (counts + norms[slots])

    def scores(self, text: str) -> dict[str, float]:
        """Normalised BM25 of every document sharing a word with ``text`` (others score 0)."""
        return self.score(text).as_dict()
