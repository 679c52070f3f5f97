"""The vectors of every searchable entry, in contiguous matrices that one matrix product scores.

Each entry has several "key" vectors (its question and each variant) and a fixed number of
passage vectors (say, the whole entry and its answer). An entry scores a soft maximum of the
cosines of its keys (``1 + tau * log(sum(exp((cos - 1) / tau)))``: the best key, plus a little
for each other good one), blended with the cosines of its passages, each with its weight.
Entries are added, replaced and removed one at a time: rows of a removed entry are only marked
dead, and the matrices are compacted once the dead outnumber the living.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


class DenseIndex:
    def __init__(self, dim: int, *, key_weight: float, passage_weights: tuple[float, ...], tau: float) -> None:
        self.dim = dim
        self.key_weight = key_weight
        self.passage_weights = np.array(passage_weights, dtype=np.float32)
        self.tau = tau
        self._keys: Vectors = np.zeros((0, dim), dtype=np.float32)
        self._key_slot = np.zeros(0, dtype=np.int64)
        self._passages: Vectors = np.zeros((0, len(passage_weights), dim), dtype=np.float32)
        self._alive = np.zeros(0, dtype=bool)
        self._ids: list[str | None] = []
        self._slots: dict[str, int] = {}
        self._dead_keys = 0

    def __len__(self) -> int:
        return len(self._slots)

    def __contains__(self, entry_id: str) -> bool:
        return entry_id in self._slots

    def _check(self, entry_id: str, keys: Vectors, passages: Vectors) -> None:
        expected = (len(self.passage_weights), self.dim)
        if keys.ndim != 2 or keys.shape[1] != self.dim or len(keys) == 0 or passages.shape != expected:
            raise ValueError(f"entry {entry_id!r}: vectors of shape {keys.shape} and {passages.shape}, "
                             f"expected (n>=1, {self.dim}) and {expected}")

    def put(self, entry_id: str, keys: Vectors, passages: Vectors) -> None:
        self.put_many([(entry_id, keys, passages)])

    def put_many(self, items: list[tuple[str, Vectors, Vectors]]) -> None:
        """Add or replace entries, copying the matrices once for all of them."""
        for entry_id, keys, passages in items:
            self._check(entry_id, keys, passages)
        for entry_id, _keys, _passages in items:
            self.remove(entry_id)
        if not items:
            return
        first = len(self._ids)
        for offset, (entry_id, _keys, _passages) in enumerate(items):
            self._ids.append(entry_id)
            self._slots[entry_id] = first + offset
        owners = [np.full(len(keys), first + offset, dtype=np.int64) for offset, (_, keys, _) in enumerate(items)]
        self._keys = np.concatenate([self._keys, *(keys.astype(np.float32) for _, keys, _ in items)])
        self._key_slot = np.concatenate([self._key_slot, *owners])
        self._passages = np.concatenate([self._passages, np.stack([p for _, _, p in items]).astype(np.float32)])
        self._alive = np.concatenate([self._alive, np.ones(len(items), dtype=bool)])

    def remove(self, entry_id: str) -> None:
        slot = self._slots.pop(entry_id, None)
        if slot is None:
            return
        self._ids[slot] = None
        self._alive[slot] = False
        self._dead_keys += int(np.count_nonzero(self._key_slot == slot))
        if self._dead_keys > len(self._key_slot) // 2:
            self._compact()

    def _compact(self) -> None:
        alive = self._alive
        new_slot = np.cumsum(alive) - 1
        keep_keys = alive[self._key_slot]
        self._keys = np.ascontiguousarray(self._keys[keep_keys])
        self._key_slot = new_slot[self._key_slot[keep_keys]]
        self._passages = np.ascontiguousarray(self._passages[alive])
        self._ids = [entry_id for entry_id in self._ids if entry_id is not None]
        self._slots = {entry_id: slot for slot, entry_id in enumerate(self._ids) if entry_id is not None}
        self._alive = np.ones(len(self._ids), dtype=bool)
        self._dead_keys = 0

    def slot_of(self, entry_id: str) -> int | None:
        return self._slots.get(entry_id)

    def id_at(self, slot: int) -> str | None:
        return self._ids[slot]

    def scores(self, query: Vectors) -> npt.NDArray[np.float32]:
        """One score per slot for a normalised query vector (dead slots: -inf); see ``id_at``."""
        if not self._ids:
            return np.zeros(0, dtype=np.float32)
        weights = np.exp((self._keys @ query - 1.0) / self.tau)
        mass = np.bincount(self._key_slot, weights=weights, minlength=len(self._ids))
        keys = 1.0 + self.tau * np.log(np.maximum(mass, 1e-30))
        passages = (self._passages @ query) @ self.passage_weights
        total = self.key_weight + float(self.passage_weights.sum())
        blended = ((self.key_weight * keys + passages) / total).astype(np.float32)
        blended[~self._alive] = -np.inf
        return blended
