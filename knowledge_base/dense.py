"""The vectors of every searchable entry, in contiguous matrices that one matrix product scores.

Each entry has several "key" vectors (its question and each variant), a fixed number of passage
vectors (say, the whole entry and its answer) and any number of detail vectors (passages of the
reference text behind its short answer: ``details``). An entry scores a soft maximum of the cosines
of its keys (``1 + tau * log(sum(exp((cos - 1) / tau)))``: the best key, plus a little for each other
good one), blended with the cosines of its passages, each with its weight, and, while any entry has
details, with the best cosine of its details (an entry without details: of its first passage, the whole
entry), minus the entry's own offset (a hubness penalty: see ``hubness``). In a knowledge base mixing entries with
and without variants (``ranking``), the soft maximum loses ``key_count_penalty * tau * log(keys)``, where an entry
written with variants counts the median keys of the live entries so written (``counted_keys``).
Entries are added, replaced and removed one at a time: new rows go into buffers that grow by
doubling, rows of a removed entry are only marked dead, and the buffers are compacted once the
dead outnumber the living.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from knowledge_base.written_entries import has_variants

Vectors = npt.NDArray[np.float32]


def limit_blas_threads() -> None:
    """One BLAS thread: a matrix-vector product this size gains nothing from two, and two threads
    spinning on a 2-core machine shared with the model and Rasa make it ten times slower."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # then numpy keeps its default
        return
    threadpool_limits(1, user_api="blas")


class DenseIndex:
    def __init__(self, dim: int, *, key_weight: float, passage_weights: tuple[float, ...], tau: float,
                 key_count_penalty: float = 0.0, detail_weight: float = 0.0) -> None:
        self.dim = dim
        self.key_weight = key_weight
        self.passage_weights = np.array(passage_weights, dtype=np.float32)
        self.detail_weight = detail_weight
        self.tau = tau
        self.key_count_penalty = key_count_penalty  # times tau * log(number of keys), off the soft maximum
        # buffers grow by doubling; rows [0, n) are in use
        self._keys: Vectors = np.zeros((0, dim), dtype=np.float32)
        self._key_slot = np.zeros(0, dtype=np.int64)
        self._key_offsets = np.zeros(0, dtype=np.float32)  # subtracted from each key's cosine
        self._n_keys = 0
        self._passages: Vectors = np.zeros((0, len(passage_weights), dim), dtype=np.float32)
        self._alive = np.zeros(0, dtype=bool)
        self._offsets = np.zeros(0, dtype=np.float32)
        self._key_count = np.ones(0, dtype=np.float32)
        self.shift = 0.0  # added to every score (centres the offsets)
        self._ids: list[str | None] = []
        self._slots: dict[str, int] = {}
        self._dead_keys = 0
        self._details: Vectors = np.zeros((0, dim), dtype=np.float32)
        self._detail_slot = np.zeros(0, dtype=np.int64)  # non-decreasing: an entry's rows are appended together
        self._n_details = 0
        self._with_details: set[int] = set()  # live slots that have details
        self._segments: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None  # (starts, slots)

    def __len__(self) -> int:
        return len(self._slots)

    def __contains__(self, entry_id: str) -> bool:
        return entry_id in self._slots

    def check(self, entry_id: str, keys: Vectors, passages: Vectors) -> None:
        """Refuse vectors of the wrong shape, naming the entry (``passages``: the fixed ones, then details)."""
        fixed = len(self.passage_weights)
        if (keys.ndim != 2 or keys.shape[1] != self.dim or len(keys) == 0 or passages.ndim != 2
                or passages.shape[1] != self.dim or len(passages) < fixed):
            raise ValueError(f"entry {entry_id!r}: vectors of shape {keys.shape} and {passages.shape}, "
                             f"expected (n>=1, {self.dim}) and (>={fixed}, {self.dim})")

    @property
    def vector_bytes(self) -> int:
        """The bytes the vector buffers hold (spare rows included)."""
        return self._keys.nbytes + self._passages.nbytes + self._details.nbytes

    @property
    def has_details(self) -> bool:
        """Whether any live entry has detail vectors: only then do details take part in the score."""
        return bool(self._with_details)

    @staticmethod
    def _grown(buffer: np.ndarray, needed: int) -> np.ndarray:
        if needed <= len(buffer):
            return buffer
        grown = np.zeros((max(needed + needed // 4, 2 * len(buffer), 16), *buffer.shape[1:]), dtype=buffer.dtype)
        grown[: len(buffer)] = buffer
        return grown

    def put(self, entry_id: str, keys: Vectors, passages: Vectors, *, offset: float = 0.0) -> None:
        self.put_many([(entry_id, keys, passages)], offsets=[offset])

    def put_many(self, items: list[tuple[str, Vectors, Vectors]], *, offsets: list[float] | None = None,
                 key_offsets: list[npt.NDArray[np.float32]] | None = None) -> None:
        """Add or replace entries (appended: amortised cost of the new rows only); ``offsets`` are
        subtracted from their scores, ``key_offsets`` (one per key) from their keys' cosines (0 by default)."""
        if offsets is not None and len(offsets) != len(items):
            raise ValueError(f"{len(items)} entries but {len(offsets)} offsets")
        if key_offsets is not None and len(key_offsets) != len(items):
            raise ValueError(f"{len(items)} entries but {len(key_offsets)} key offsets")
        for position, (entry_id, keys, passages) in enumerate(items):
            self.check(entry_id, keys, passages)
            if key_offsets is not None and key_offsets[position].shape != (len(keys),):
                raise ValueError(f"entry {entry_id!r}: {len(keys)} keys but key offsets of shape "
                                 f"{key_offsets[position].shape}")
        for entry_id, _keys, _passages in items:
            self.remove(entry_id)
        if not items:
            return
        first, n_keys = len(self._ids), self._n_keys
        new_keys = sum(len(keys) for _, keys, _ in items)
        self._keys = self._grown(self._keys, n_keys + new_keys)
        self._key_slot = self._grown(self._key_slot, n_keys + new_keys)
        self._key_offsets = self._grown(self._key_offsets, n_keys + new_keys)
        self._passages = self._grown(self._passages, first + len(items))
        self._alive = self._grown(self._alive, first + len(items))
        self._offsets = self._grown(self._offsets, first + len(items))
        self._key_count = self._grown(self._key_count, first + len(items))
        fixed = len(self.passage_weights)
        n_details = self._n_details
        new_details = sum(len(passages) - fixed for _, _, passages in items)
        self._details = self._grown(self._details, n_details + new_details)
        self._detail_slot = self._grown(self._detail_slot, n_details + new_details)
        for position, (entry_id, keys, passages) in enumerate(items):
            slot = first + position
            self._ids.append(entry_id)
            self._slots[entry_id] = slot
            self._keys[n_keys:n_keys + len(keys)] = keys
            self._key_offsets[n_keys:n_keys + len(keys)] = key_offsets[position] if key_offsets is not None else 0.0
            self._key_count[slot] = len(keys)
            self._key_slot[n_keys:n_keys + len(keys)] = slot
            n_keys += len(keys)
            self._passages[slot] = passages[:fixed]
            details = passages[fixed:]
            if len(details):
                self._details[n_details:n_details + len(details)] = details
                self._detail_slot[n_details:n_details + len(details)] = slot
                n_details += len(details)
                self._with_details.add(slot)
            self._alive[slot] = True
            self._offsets[slot] = offsets[position] if offsets is not None else 0.0
        self._n_keys = n_keys
        self._n_details = n_details
        self._segments = None

    def remove(self, entry_id: str) -> None:
        slot = self._slots.pop(entry_id, None)
        if slot is None:
            return
        self._ids[slot] = None
        self._alive[slot] = False
        self._dead_keys += int(np.count_nonzero(self._key_slot[: self._n_keys] == slot))
        self._with_details.discard(slot)
        if self._dead_keys > self._n_keys // 2:
            self._compact()

    def _compact(self) -> None:
        count = len(self._ids)
        alive = self._alive[:count]
        new_slot = np.cumsum(alive) - 1
        key_slot = self._key_slot[: self._n_keys]
        keep_keys = alive[key_slot]
        self._keys = np.ascontiguousarray(self._keys[: self._n_keys][keep_keys])
        self._key_offsets = np.ascontiguousarray(self._key_offsets[: self._n_keys][keep_keys])
        self._key_slot = new_slot[key_slot[keep_keys]]
        self._n_keys = len(self._keys)
        self._passages = np.ascontiguousarray(self._passages[:count][alive])
        self._offsets = np.ascontiguousarray(self._offsets[:count][alive])
        self._key_count = np.ascontiguousarray(self._key_count[:count][alive])
        detail_slot = self._detail_slot[: self._n_details]
        keep_details = alive[detail_slot]
        self._details = np.ascontiguousarray(self._details[: self._n_details][keep_details])
        self._detail_slot = new_slot[detail_slot[keep_details]]
        self._n_details = len(self._details)
        self._with_details = {int(new_slot[slot]) for slot in self._with_details}
        self._segments = None
        self._ids = [entry_id for entry_id in self._ids if entry_id is not None]
        self._slots = {entry_id: slot for slot, entry_id in enumerate(self._ids) if entry_id is not None}
        self._alive = np.ones(len(self._ids), dtype=bool)
        self._dead_keys = 0

    def shrink(self) -> None:
        """Buffers cut to the rows in use, after a bulk load (they grow by doubling: up to twice the memory)."""
        count, keys, details = len(self._ids), self._n_keys, self._n_details
        self._keys, self._key_slot = self._keys[:keys].copy(), self._key_slot[:keys].copy()
        self._key_offsets = self._key_offsets[:keys].copy()
        self._details, self._detail_slot = self._details[:details].copy(), self._detail_slot[:details].copy()
        self._passages, self._alive = self._passages[:count].copy(), self._alive[:count].copy()
        self._offsets, self._key_count = self._offsets[:count].copy(), self._key_count[:count].copy()

    def slot_of(self, entry_id: str) -> int | None:
        return self._slots.get(entry_id)

    def id_at(self, slot: int) -> str | None:
        return self._ids[slot]

    def passage(self, entry_id: str) -> Vectors | None:
        """The vector of an entry's first passage (the whole entry: question, variants and answer), or None."""
        slot = self._slots.get(entry_id)
        return None if slot is None else np.asarray(self._passages[slot][0], dtype=np.float32)

    def scores(self, query: Vectors) -> npt.NDArray[np.float32]:
        """One score per slot for a normalised query vector (dead slots: -inf); see ``id_at``."""
        return self._scores(self._plain(query), query)

    def nearest_keys(self, query: Vectors) -> tuple[int, float, float] | None:
        """The live slot owning the question or variant nearest a normalised query, that key's cosine, and the
        cosine of the nearest key of any other slot (-1.0 when there is none). Plain cosines: no key offset."""
        return self._nearest(self._plain(query))

    def scores_and_nearest(self, query: Vectors) -> tuple[npt.NDArray[np.float32], tuple[int, float, float] | None]:
        """``scores`` and ``nearest_keys`` from one product of the query with the keys."""
        plain = self._plain(query)
        return self._scores(plain, query), self._nearest(plain)

    def _plain(self, query: Vectors) -> npt.NDArray[np.float32]:
        """The query's plain cosine with every question and variant."""
        plain: npt.NDArray[np.float32] = self._keys[: self._n_keys] @ query
        return plain

    def _scores(self, plain: npt.NDArray[np.float32], query: Vectors) -> npt.NDArray[np.float32]:
        """``scores`` from the keys' plain cosines (``_plain``) and the query."""
        count = len(self._ids)
        if not count:
            return np.zeros(0, dtype=np.float32)
        cosines_of_keys = plain - self._key_offsets[: self._n_keys]
        weights = np.exp((cosines_of_keys - 1.0) / self.tau)
        mass = np.bincount(self._key_slot[: self._n_keys], weights=weights, minlength=count)
        keys = 1.0 + self.tau * np.log(np.maximum(mass, 1e-30))
        if self.key_count_penalty:
            keys = keys - self.key_count_penalty * self.tau * np.log(self.counted_keys())
        cosines = self._passages[:count] @ query
        total = self.key_weight + float(self.passage_weights.sum())
        blended = self.key_weight * keys + cosines @ self.passage_weights
        if self.detail_weight and self.has_details:
            blended = blended + self.detail_weight * self._best_details(query, cosines[:, 0])
            total += self.detail_weight
        blended = blended / total
        scored: npt.NDArray[np.float32] = (blended - self._offsets[:count] + self.shift).astype(np.float32)
        scored[~self._alive[:count]] = -np.inf
        return scored

    def counted_keys(self) -> npt.NDArray[np.float32]:
        """The keys the key-count penalty counts, per slot: an entry not written with variants (``has_variants``),
        its own; an entry written with them, the median of the live entries so written. One level for those: a bare
        entry's arrival lifts it beside them and leaves their order among themselves as it was
        (docs/benchmarks-kb.md, "One level for the written entries")."""
        counts = self._key_count[: len(self._ids)]
        written = has_variants(counts - 1)  # a question and its variants
        live = written & self._alive[: len(self._ids)]
        if not live.any():
            return counts
        return np.where(written, np.float32(np.median(counts[live])), counts).astype(np.float32)

    def _nearest(self, plain: npt.NDArray[np.float32]) -> tuple[int, float, float] | None:
        """``nearest_keys`` from the keys' plain cosines."""
        if not self._n_keys:
            return None
        slots = self._key_slot[: self._n_keys]
        cosines = np.where(self._alive[slots], plain, -np.inf)
        best = int(np.argmax(cosines))
        if not np.isfinite(cosines[best]):
            return None
        slot = int(slots[best])
        others = cosines[slots != slot]
        runner_up = float(others.max()) if others.size else -np.inf
        return slot, float(cosines[best]), runner_up if np.isfinite(runner_up) else -1.0

    def _best_details(self, query: Vectors, whole: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Per slot, the best cosine of its details; ``whole`` (its first passage's) for a slot without."""
        best = whole.copy()
        if not self._n_details:
            return best
        if self._segments is None:
            slots = self._detail_slot[: self._n_details]
            starts = np.flatnonzero(np.diff(slots, prepend=-1))
            self._segments = (starts, slots[starts])
        starts, owners = self._segments
        best[owners] = np.maximum.reduceat(self._details[: self._n_details] @ query, starts)
        return best
