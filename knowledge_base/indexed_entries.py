"""The published entries as a search reads them: the hybrid index (``ranking``) and, kept in step with it entry by
entry, each entry's key vectors (the off-topic list is re-checked against them), its key terms (``agreement``) and
the Service-public.fr pages it holds (``pages_elsewhere``).

``KnowledgeBase`` changes its ``IndexedEntries`` under its lock; a full load builds new ones and swaps them in.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from knowledge_base.agreement import KeyTerms
from knowledge_base.entry_vectors import EntryVectors
from knowledge_base.pages_elsewhere import PagesElsewhere
from knowledge_base.ranking import HybridIndex, Ranked
from knowledge_base.validation import EntryData
from knowledge_base.written_entries import has_variants


class IndexedEntries:
    def __init__(self, index: HybridIndex, *, pages_elsewhere: PagesElsewhere) -> None:
        self.index = index
        self.keys: dict[str, npt.NDArray[np.float32]] = {}
        self.key_terms = KeyTerms()
        self.pages_elsewhere = pages_elsewhere

    def put_many(self, vectors: list[EntryVectors]) -> None:
        """Entries indexed at once (a load, the benchmark's synthetic entries), the index's spare rows given back."""
        self.index.put_many(vectors)
        self.index.dense.shrink()
        for entry, keys, _passages in vectors:
            self.keys[entry.id] = keys
            self.key_terms.put(entry)
            self.pages_elsewhere.put(entry)

    def put(self, entry: EntryData, keys: npt.NDArray[np.float32], passages: npt.NDArray[np.float32]) -> None:
        self.index.put(entry, keys, passages)
        self.keys[entry.id] = keys
        self.key_terms.put(entry)
        self.pages_elsewhere.put(entry)

    def remove(self, entry_id: str) -> None:
        self.index.remove(entry_id)
        self.keys.pop(entry_id, None)
        self.key_terms.remove(entry_id)
        self.pages_elsewhere.remove(entry_id)

    def conflict(self, text: str, ranked: list[Ranked], *, candidates: int, rarest: int) -> str | None:
        """Key-term disagreement among the first ``candidates`` (another candidate's subject, or another object:
        ``KeyTerms.conflict``), read only when the first entry is written with variants (``has_variants``): an entry
        with its question and a short answer, or one or two citizen questions confirmed beside them, says too little
        for "it never mentions that word" to mean anything."""
        first = self.index.entries.get(ranked[0].id) if ranked else None
        if first is None or not has_variants(len(first.variants)):
            return None
        return self.key_terms.conflict(text, [r.id for r in ranked[:candidates]], rarest=rarest)
