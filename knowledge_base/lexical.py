"""BM25 over accent-folded stems, updated one entry at a time, forgiving one typo per word.

A query word absent from the vocabulary is matched to the indexed words one edit away (deletion
neighbourhoods, as in SymSpell), and to longer indexed words it begins ("carte" -> "cartes", "inscri"
-> "inscription"), each at a reduced weight. Scores are divided by the best the query could reach
(every word found with full weight in a short document), so they sit in [0, 1] whatever the query.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from knowledge_base.text import tokens

K1 = 1.2
B = 0.75
TYPO_WEIGHT = 0.6
PREFIX_MIN = 4


def _deletions(term: str) -> set[str]:
    if len(term) < 4:
        return {term}
    return {term} | {term[:i] + term[i + 1:] for i in range(len(term))}


class LexicalIndex:
    def __init__(self) -> None:
        self._postings: dict[str, dict[str, int]] = defaultdict(dict)
        self._lengths: dict[str, int] = {}
        self._terms: dict[str, list[str]] = {}
        self._total_length = 0
        self._near: dict[str, set[str]] = defaultdict(set)
        self._prefixes: dict[str, set[str]] = defaultdict(set)

    def __len__(self) -> int:
        return len(self._lengths)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._lengths

    def put(self, doc_id: str, fields: list[tuple[str, int]]) -> None:
        """Index (or re-index) a document from ``(text, repeat)`` fields: repeat weighs a field."""
        self.remove(doc_id)
        counts: Counter[str] = Counter()
        for text, repeat in fields:
            for token in tokens(text):
                counts[token] += repeat
        for term, count in counts.items():
            if not self._postings[term]:
                self._add_term(term)
            self._postings[term][doc_id] = count
        length = sum(counts.values())
        self._terms[doc_id] = list(counts)
        self._lengths[doc_id] = length
        self._total_length += length

    def remove(self, doc_id: str) -> None:
        length = self._lengths.pop(doc_id, None)
        if length is None:
            return
        self._total_length -= length
        for term in self._terms.pop(doc_id):
            del self._postings[term][doc_id]
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
        total = len(self._lengths)
        return math.log(1.0 + (total - count + 0.5) / (count + 0.5))

    def scores(self, text: str) -> dict[str, float]:
        """Normalised BM25 of every document sharing a word with ``text`` (others score 0)."""
        if not self._lengths:
            return {}
        average = self._total_length / len(self._lengths) or 1.0
        result: dict[str, float] = defaultdict(float)
        best = 0.0
        for term in dict.fromkeys(tokens(text)):
            expansion = self._expand(term)
            idf_max = max((self._idf(t) for t in expansion), default=math.log(1.0 + len(self._lengths) + 0.5))
            best += idf_max * (K1 + 1) / (1 + K1 * (1 - B + B * 0.5))
            per_doc: dict[str, float] = {}
            for found, weight in expansion.items():
                idf = self._idf(found) * weight
                for doc_id, tf in self._postings[found].items():
                    norm = K1 * (1 - B + B * self._lengths[doc_id] / average)
                    score = idf * tf * (K1 + 1) / (tf + norm)
                    if score > per_doc.get(doc_id, 0.0):
                        per_doc[doc_id] = score
            for doc_id, score in per_doc.items():
                result[doc_id] += score
        if best <= 0:
            return {}
        return {doc_id: min(1.0, score / best) for doc_id, score in result.items()}
