"""The hybrid index: dense (e5) and lexical (BM25) scores of every published entry, fused.

An entry's dense score blends a soft maximum of the cosines between the query and its question
or variants (embedded as e5 "query: " texts: matching a question to a question is a symmetric
task) with the cosine to the whole entry (question, variants and answer as one "passage: ") and,
at a lower weight, to its answer alone. Its lexical score is the normalised BM25 of its words.
The fused score is ``dense + lexical_weight * lexical``. Weights were tuned on knowledge_base/eval.

With a background of reference questions (``hubness``), each entry's dense score loses
``hub_weight`` times how close its question and passages already are to ordinary citizen questions
(centred on the mean of the indexed entries): generic entries stop winning the questions of specific
ones. Weight and neighbours were chosen leaving one department out (benchmarks/kb_ranking.py).

A knowledge base mixing entries with variants and entries without (a city adding variants to some
imported fiches, or importing fiches beside the shipped FAQ) scores them on two scales: the soft
maximum of a dozen keys exceeds that of one question by up to ``tau * log(keys)``, more than the
spread between right and wrong entries. While both kinds are indexed, each soft maximum therefore
loses ``key_count_penalty * tau * log(keys)`` (a soft mean of the keys): leaving one department out,
its entries without variants among the others with theirs, top-1 rose from 30% to 80%
(docs/benchmarks-kb.md). The entries written with variants all count the median of their keys
(``DenseIndex.counted_keys``): a bare entry added to a curated FAQ is lifted beside them and leaves their order among
themselves as it was. A knowledge base of one kind keeps its plain scores. An imported fiche with one or two
citizen questions confirmed from the training inbox is still scored as bare (``written_entries.scored_bare``).

An entry's details (the reference text behind its short answer: an imported fiche's full text) are
read as passages; while any entry has some, each entry's dense score blends in, with
``detail_weight``, the best cosine of its detail passages (an entry without details: of its whole
text), and BM25 reads the details' words with the rest. On the four development foreign FAQs, top-1 rose by
0.9 to 3.9 points with the passages, by 1.4 to 7.8 with their words as well (docs/benchmarks-kb.md).

Variants are measured against the same background, one by one: a variant written the way citizens
write (a question confirmed from the training inbox) sits nearer every citizen question than the
entry's own question does, whatever it asks, and would win other entries' questions for its style
alone. Each key's cosine loses ``key_hub_weight`` times how much closer to ordinary questions it is than
its entry's question (never less: no key gains). An entry's question loses nothing, so a knowledge base
without variants scores as before (docs/training-inbox.md).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from guichet.contract.limits import MAX_QUERY_CHARS
from knowledge_base.dense import DenseIndex
from knowledge_base.details import detail_texts, detail_words
from knowledge_base.hubness import Background
from knowledge_base.lexical import LexicalIndex
from knowledge_base.validation import EntryData
from knowledge_base.written_entries import scored_bare

Item = tuple[EntryData, npt.NDArray[np.float32], npt.NDArray[np.float32]]  # an entry, its keys, passages then details
POOL = 50


@dataclass(frozen=True)
class FusionConfig:
    key_weight: float = 0.7
    document_weight: float = 1.0
    answer_weight: float = 0.0
    tau: float = 0.05
    lexical_weight: float = 0.04
    question_repeat: int = 2
    candidates: int = 10
    hub_weight: float = 0.5
    hub_neighbours: int = 3
    key_count_penalty: float = 1.0  # in a mixed knowledge base, times tau * log(keys) off each soft maximum
    key_hub_weight: float = 1.0  # times how much closer a variant is to ordinary questions than its entry's question
    detail_weight: float = 1.2  # the best passage of an entry's details, while any entry has details


@dataclass(frozen=True)
class Ranked:
    id: str
    score: float
    dense: float
    lexical: float


def key_texts(entry: EntryData) -> list[str]:
    """Embedded as queries, one vector each."""
    return list(dict.fromkeys([entry.question, *entry.variants]))


def passage_texts(entry: EntryData, config: FusionConfig | None = None) -> list[str]:
    """Embedded as passages: the whole entry, then the answer alone if it weighs anything, then the passages of
    its details (``details.detail_texts``; read only when the detail weight is not 0)."""
    config = config or FusionConfig()
    whole = " ".join([entry.question, *entry.variants, entry.answer])
    fixed = [whole, entry.answer] if config.answer_weight > 0 else [whole]
    return fixed + detail_texts(entry) if config.detail_weight > 0 else fixed


def lexical_fields(entry: EntryData, config: FusionConfig) -> list[tuple[str, int]]:
    """The texts BM25 reads, each with how many times it counts: the details too (the words a case is asked in)."""
    fields = [(entry.question, config.question_repeat), *((variant, 1) for variant in entry.variants),
              (entry.answer, 1), (" ".join(entry.tags).replace("-", " "), 1)]
    words = detail_words(entry)
    return [*fields, (words, 1)] if words else fields


def passage_weights(config: FusionConfig) -> tuple[float, ...]:
    """The weight of each of ``passage_texts`` in the score."""
    return (config.document_weight, config.answer_weight) if config.answer_weight > 0 else (config.document_weight,)


class HybridIndex:
    def __init__(self, dim: int, config: FusionConfig | None = None, *, background: Background | None = None) -> None:
        self.config = config or FusionConfig()
        self.dense = DenseIndex(dim, key_weight=self.config.key_weight, tau=self.config.tau,
                                passage_weights=passage_weights(self.config), detail_weight=self.config.detail_weight)
        self.lexical = LexicalIndex()
        self.entries: dict[str, EntryData] = {}
        self.background = background if self.config.hub_weight > 0 else None
        self.closeness: dict[str, float] = {}  # hubness of each entry, before weighting and centring
        self._closeness_sum = 0.0
        self._bare_ids: set[str] = set()
        self.mixing = False  # entries scored as bare (``scored_bare``) and others are indexed together

    def __len__(self) -> int:
        return len(self.entries)

    def _closeness(self, items: list[Item]) -> list[float]:
        """How close each entry's question and passages are to ordinary questions, blended like its score."""
        if self.background is None or len(self.background) == 0 or not items:
            return [0.0] * len(items)
        own = [key_texts(entry) for entry, _keys, _passages in items]
        blended = self.config.key_weight * self.background.closeness_rows(
            np.stack([keys[0] for _e, keys, _p in items]), own)
        for position, weight in enumerate(passage_weights(self.config)):
            if weight == 0:
                continue
            rows = np.stack([passages[position] for _e, _k, passages in items])
            blended = blended + weight * self.background.closeness_rows(rows, own)
        total = self.config.key_weight + sum(passage_weights(self.config))
        return [float(value) / total for value in blended]

    def _key_offsets(self, items: list[Item]) -> list[npt.NDArray[np.float32]] | None:
        """Each key's hubness beyond its entry's question's, weighted: a variant written as citizens write sits
        nearer every citizen question than the entry's question does, and must not win them for that."""
        if self.background is None or len(self.background) == 0 or self.config.key_hub_weight == 0:
            return None
        offsets = [np.zeros(len(keys), dtype=np.float32) for _e, keys, _p in items]
        with_variants = [position for position, (_e, keys, _p) in enumerate(items) if len(keys) > 1]
        if not with_variants:  # an entry's question loses nothing: bare entries need no measure
            return offsets
        rows = np.concatenate([items[position][1] for position in with_variants])
        own = [key_texts(items[position][0]) for position in with_variants]
        per_row = [texts for texts, position in zip(own, with_variants, strict=True)
                   for _ in range(len(items[position][1]))]
        closeness = self.background.closeness_rows(rows, per_row)
        start = 0
        for position in with_variants:
            mine = closeness[start:start + len(items[position][1])]
            relative = np.maximum(mine - mine[0], 0.0)  # never a bonus: a variant less generic than its question
            offsets[position] = (self.config.key_hub_weight * relative).astype(np.float32)
            start += len(mine)
        return offsets

    def _forget(self, entry_id: str) -> None:
        self._closeness_sum -= self.closeness.pop(entry_id, 0.0)

    def _recentre(self) -> None:
        count = len(self.closeness)
        self.dense.shift = self.config.hub_weight * self._closeness_sum / count if count else 0.0

    def _update_mixing(self) -> None:
        """The key-count penalty holds only while entries scored as bare and others are indexed together: alone,
        either kind is already scored on one scale."""
        self.mixing = 0 < len(self._bare_ids) < len(self.entries)
        self.dense.key_count_penalty = self.config.key_count_penalty if self.mixing else 0.0

    def put(self, entry: EntryData, keys: npt.NDArray[np.float32], passages: npt.NDArray[np.float32]) -> None:
        self.put_many([(entry, keys, passages)])

    def put_many(self, items: list[Item]) -> None:
        for entry, keys, passages in items:
            self.dense.check(entry.id, keys, passages)
        closeness = self._closeness(items)
        self.dense.put_many([(entry.id, keys, passages) for entry, keys, passages in items],
                            offsets=[self.config.hub_weight * close for close in closeness],
                            key_offsets=self._key_offsets(items))
        for (entry, _keys, _passages), close in zip(items, closeness, strict=True):
            self.lexical.put(entry.id, lexical_fields(entry, self.config))
            # the details are searched through their passages' vectors and words, never read again here: at
            # 10,000 imported fiches their text would keep tens of megabytes the database already holds
            self.entries[entry.id] = replace(entry, details="") if entry.details else entry
            self._forget(entry.id)
            self.closeness[entry.id] = close
            self._closeness_sum += close
            if scored_bare(entry):
                self._bare_ids.add(entry.id)
            else:
                self._bare_ids.discard(entry.id)
        self._update_mixing()
        self._recentre()

    def remove(self, entry_id: str) -> None:
        self.dense.remove(entry_id)
        self.lexical.remove(entry_id)
        self.entries.pop(entry_id, None)
        self._bare_ids.discard(entry_id)
        self._forget(entry_id)
        self._update_mixing()
        self._recentre()

    def rank(self, text: str, query: npt.NDArray[np.float32], *, limit: int | None = None) -> list[Ranked]:
        """The best entries for a query text and its vector, best first.

        Fused scores are computed for the best ``POOL`` entries of each signal only: with the lexical
        weight this small, an entry outside both pools cannot reach the top.
        """
        return self._fused(text, self.dense.scores(query), limit)

    def rank_and_nearest(self, text: str, query: npt.NDArray[np.float32], *,
                         limit: int | None = None) -> tuple[list[Ranked], tuple[str, float, float] | None]:
        """``rank``, and the entry whose question or variant is nearest the vector, that cosine, and the nearest
        key of any other entry's (``DenseIndex.nearest_keys``), from one product of the query with the keys."""
        dense, key = self.dense.scores_and_nearest(query)
        owner = self.dense.id_at(key[0]) if key is not None else None
        nearest = None if key is None or owner is None else (owner, key[1], key[2])
        return self._fused(text, dense, limit), nearest

    def _fused(self, text: str, dense: npt.NDArray[np.float32], limit: int | None) -> list[Ranked]:
        """The best entries from the dense scores per slot and the lexical scores of ``text``."""
        if len(dense) == 0:
            return []
        lexical = self.lexical.score(text[:MAX_QUERY_CHARS])
        pool = min(POOL, len(dense))
        candidates = {int(slot) for slot in np.argpartition(-dense, pool - 1)[:pool]}
        for entry_id, _score in lexical.top(POOL):
            slot = self.dense.slot_of(entry_id)
            if slot is not None:
                candidates.add(slot)
        ranked = []
        for slot in candidates:
            found = self.dense.id_at(slot)
            if found is not None and np.isfinite(dense[slot]):
                score = lexical.get(found)
                ranked.append(Ranked(found, float(dense[slot]) + self.config.lexical_weight * score,
                                     float(dense[slot]), score))
        ranked.sort(key=lambda r: (-r.score, r.id))
        return ranked[: limit or self.config.candidates]
