"""Key-term agreement: does the entry speak of what the message asks about?

A message that shares words with an entry but not its subject ("la mairie est ouverte le samedi ?"
against the libraries' hours, "numéro de téléphone de la mairie" against house numbering) names
something the entry never mentions although other entries of the knowledge base do. ``KeyTerms``
keeps the stems of every entry (question, variants, answer, tags) and how many entries use each;
``agreement`` weighs the message's known stems by their rarity (IDF) and says which share the entry
covers, and how rare the rarest missing one is. Stems no entry uses (typos, other topics) say
nothing about this entry and are left out.

``conflict`` says when the first entry must not be answered without asking. Either another candidate's
question names a word of the message that the first entry never uses (town hall vs library), or the message
asks about *another object* in the first entry's context (signing up at the pool against signing up at the
library): it
names none of the first entry's core (the stems at least half of its ways of asking use: its question and
variants), and names a rare word (at most one entry in 20 uses it) that is the core of some other entry of
the knowledge base and that the first entry never uses, whether or not that entry is among the candidates.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

from knowledge_base.other_authorities import other_authority
from knowledge_base.text import tokens
from knowledge_base.validation import EntryData

CORE_SHARE = 0.5  # a stem in at least this share of an entry's keys is what the entry is about
CORE_MIN_KEYS = 3  # the question and two variants: fewer ways of asking say too little about the object
SUBJECT_RARITY = 0.05  # "rare": at most this share of the entries use the word (docs/benchmarks-kb.md)


@dataclass(frozen=True)
class Agreement:
    coverage: float  # IDF-weighted share of the message's known stems that the entry uses (1.0: all, or none known)
    missing: float  # IDF of the rarest known stem the entry lacks, over the highest IDF possible (0: none missing)
    known: int  # how many of the message's stems the knowledge base uses


def entry_terms(entry: EntryData) -> frozenset[str]:
    texts = [entry.question, *entry.variants, entry.answer, " ".join(entry.tags).replace("-", " ")]
    return frozenset(term for text in texts for term in tokens(text))


def entry_core(entry: EntryData) -> frozenset[str]:
    """The stems at least ``CORE_SHARE`` of the entry's keys (question and variants) use: what every way of
    asking for it names ("bibliothequ" for the library's registration). Empty for an entry with fewer than
    ``CORE_MIN_KEYS`` keys."""
    keys = [frozenset(tokens(text)) for text in (entry.question, *entry.variants)]
    if len(keys) < CORE_MIN_KEYS:
        return frozenset()
    counts = Counter(term for key in keys for term in key)
    return frozenset(term for term, count in counts.items() if count >= CORE_SHARE * len(keys))


class KeyTerms:
    def __init__(self) -> None:
        self._terms: dict[str, frozenset[str]] = {}
        self._subjects: dict[str, frozenset[str]] = {}
        self._cores: dict[str, frozenset[str]] = {}
        self._frequency: Counter[str] = Counter()
        self._core_frequency: Counter[str] = Counter()  # how many entries have the stem in their core

    def __len__(self) -> int:
        return len(self._terms)

    def put(self, entry: EntryData) -> None:
        self.remove(entry.id)
        terms = entry_terms(entry)
        self._terms[entry.id] = terms
        self._subjects[entry.id] = frozenset(tokens(entry.question))
        self._cores[entry.id] = core = entry_core(entry)
        self._frequency.update(terms)
        self._core_frequency.update(core)

    def remove(self, entry_id: str) -> None:
        terms = self._terms.pop(entry_id, None)
        self._subjects.pop(entry_id, None)
        _forget(self._frequency, terms or frozenset())
        _forget(self._core_frequency, self._cores.pop(entry_id, frozenset()))

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
        """A word of the message that says the first entry may not be what is asked, or None.

        - Another candidate's question is about it and the first entry never mentions it ("mairie" asked, the
          libraries' hours first, the town hall's hours further down), the word used by at most ``rarest`` entries.
        - Another object (``other_object``): the message names none of the first entry's core but the core of
          another entry, a word the first entry never uses."""
        if not ranked:
            return None
        first = self._terms.get(ranked[0], frozenset())
        stems = list(dict.fromkeys(tokens(text)))
        asked = [term for term in stems if term not in first and 0 < self._frequency.get(term, 0) <= rarest]
        for other in ranked[1:]:
            subjects = self._subjects.get(other, frozenset())
            for term in asked:
                if term in subjects:
                    return term
        return other_authority(stems, first) or self.other_object(stems, ranked[0])

    def other_object(self, stems: list[str], entry_id: str) -> str | None:
        """A rare word of the message (``SUBJECT_RARITY``) that is the core of another entry and that the entry
        never uses, when the message names nothing of the entry's own core (registering at the pool
        against the library's registration, whose every key says "bibliothèque")."""
        core = self._cores.get(entry_id, frozenset())
        if not core or not core.isdisjoint(stems):
            return None
        terms = self._terms.get(entry_id, frozenset())
        bound = SUBJECT_RARITY * len(self._terms)
        for term in stems:
            if term not in terms and self._core_frequency.get(term, 0) > 0 and 0 < self._frequency[term] <= bound:
                return term
        return None


def _forget(counts: Counter[str], terms: frozenset[str]) -> None:
    counts.subtract(terms)
    for term in terms:
        if counts[term] <= 0:
            del counts[term]
