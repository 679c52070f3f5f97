"""Key-term agreement: does the entry speak of what the message asks about?

A message that shares words with an entry but not its subject ("la mairie est ouverte le samedi ?"
against the libraries' hours, "numéro de téléphone de la mairie" against house numbering) names
something the entry never mentions although other entries of the knowledge base do. ``KeyTerms``
keeps the stems of every entry (question, variants, answer, tags) and how many entries use each;
``agreement`` weighs the message's known stems by their rarity (IDF) and says which share the entry
covers, and how rare the rarest missing one is. Stems no entry uses (typos, other topics) say
nothing about this entry and are left out.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from knowledge_base.text import tokens
from knowledge_base.validation import EntryData


@dataclass(frozen=True)
class Agreement:
    coverage: float  # IDF-weighted share of the message's known stems that the entry uses (1.0: all, or none known)
    missing: float  # IDF of the rarest known stem the entry lacks, over the highest IDF possible (0: none missing)
    known: int  # how many of the message's stems the knowledge base uses


def entry_terms(entry: EntryData) -> frozenset[str]:
    texts = [entry.question, *entry.variants, entry.answer, " ".join(entry.tags).replace("-", " ")]
    return frozenset(term for text in texts for term in tokens(text))


class KeyTerms:
    def __init__(self) -> None:
        self._terms: dict[str, frozenset[str]] = {}
        self._subjects: dict[str, frozenset[str]] = {}
        self._frequency: Counter[str] = Counter()

    def __len__(self) -> int:
        return len(self._terms)

    def put(self, entry: EntryData) -> None:
        self.remove(entry.id)
        terms = entry_terms(entry)
        self._terms[entry.id] = terms
        self._subjects[entry.id] = frozenset(tokens(entry.question))
        self._frequency.update(terms)

    def remove(self, entry_id: str) -> None:
        terms = self._terms.pop(entry_id, None)
        self._subjects.pop(entry_id, None)
        if terms is not None:
            self._frequency.subtract(terms)
            for term in terms:
                if self._frequency[term] <= 0:
                    del self._frequency[term]

    def idf(self, term: str) -> float:
        return math.log(1.0 + len(self._terms) / (1.0 + self._frequency.get(term, 0)))

    def agreement(self, text: str, entry_id: str) -> Agreement:
        terms = self._terms.get(entry_id, frozenset())
        known = [term for term in dict.fromkeys(tokens(text)) if self._frequency.get(term, 0) > 0]
        if not known:
            return Agreement(coverage=1.0, missing=0.0, known=0)
        weights = {term: self.idf(term) for term in known}
        total = sum(weights.values())
        covered = sum(weight for term, weight in weights.items() if term in terms)
        missing = max((weight for term, weight in weights.items() if term not in terms), default=0.0)
        ceiling = math.log(1.0 + len(self._terms)) or 1.0
        return Agreement(coverage=covered / total if total > 0 else 1.0, missing=missing / ceiling, known=len(known))

    def conflict(self, text: str, ranked: list[str], *, rarest: int = 2) -> str | None:
        """A word of the message that another candidate's question is about and the first entry never
        mentions ("mairie" asked, the libraries' hours first, the town hall's hours further down): the
        message may be about that other entry, so the first must not be answered without asking."""
        if not ranked:
            return None
        first = self._terms.get(ranked[0], frozenset())
        asked = [term for term in dict.fromkeys(tokens(text))
                 if term not in first and 0 < self._frequency.get(term, 0) <= rarest]
        for other in ranked[1:]:
            subjects = self._subjects.get(other, frozenset())
            for term in asked:
                if term in subjects:
                    return term
        return None
