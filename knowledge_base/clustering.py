"""Grouping questions by meaning: average-linkage agglomerative clustering on cosine similarity, in numpy.

Start with one group per distinct question; repeatedly merge the two groups whose mean pairwise
similarity is highest, as long as it is at least ``threshold``. Counts weigh the questions (the same
question asked ten times pulls as ten). The similarity matrix is updated with the Lance-Williams
formula and each group's nearest neighbour is cached, so a merge costs O(n) plus a rescan of the rows
that pointed at the merged groups. At most ``MAX_QUESTIONS`` distinct questions are grouped (a week
brings a few hundred; the caller keeps the most frequent ones).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

# multilingual-e5-small with the "query: " prompt: paraphrases of one question score 0.88-0.97,
# different questions of the same city service 0.78-0.86 (see docs/journal.md)
DEFAULT_THRESHOLD = 0.88
MAX_QUESTIONS = 3000

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Cluster:
    members: list[int]  # indices into the input, most central first
    weight: int  # questions in the group, counting repeats
    centroid: npt.NDArray[np.float32]  # L2-normalised mean of the members


def normalise(vectors: Vectors) -> Vectors:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    result: Vectors = (vectors / np.where(norms == 0, 1.0, norms)).astype(np.float32)
    return result


def agglomerate(vectors: Vectors, weights: list[int], *, threshold: float = DEFAULT_THRESHOLD) -> list[Cluster]:
    """Clusters of the rows of ``vectors`` (one per distinct question), heaviest first."""
    count = len(weights)
    if count == 0:
        return []
    if vectors.shape[0] != count:
        raise ValueError(f"vectors: {vectors.shape[0]} rows for {count} weights")
    if count > MAX_QUESTIONS:
        raise ValueError(f"questions: {count} distinct questions, at most {MAX_QUESTIONS} can be grouped")
    unit = normalise(vectors)
    similarity = (unit @ unit.T).astype(np.float64)
    np.fill_diagonal(similarity, -np.inf)
    sizes = np.asarray(weights, dtype=np.float64)
    alive = np.ones(count, dtype=bool)
    groups: dict[int, list[int]] = {index: [index] for index in range(count)}
    best = np.argmax(similarity, axis=1)  # each group's closest other group, kept up to date
    best_score = similarity[np.arange(count), best]
    while True:
        first = int(np.argmax(best_score))
        second = int(best[first])
        if best_score[first] < threshold:
            break
        # merge ``second`` into ``first``: average linkage, weighted by the questions in each group
        total = sizes[first] + sizes[second]
        merged = (sizes[first] * similarity[first] + sizes[second] * similarity[second]) / total
        merged[first] = -np.inf
        merged[~alive] = -np.inf
        merged[second] = -np.inf
        similarity[first, :] = merged
        similarity[:, first] = merged
        similarity[second, :] = -np.inf
        similarity[:, second] = -np.inf
        sizes[first] += sizes[second]
        alive[second] = False
        best_score[second] = -np.inf
        groups[first].extend(groups.pop(second))
        stale = alive & ((best == first) | (best == second))
        stale[first] = True
        improved = alive & ~stale & (merged > best_score)
        best[improved] = first
        best_score[improved] = merged[improved]
        for row in np.flatnonzero(stale):
            best[row] = int(np.argmax(similarity[row]))
            best_score[row] = similarity[row, best[row]]
    clusters = [_cluster(unit, weights, members) for index, members in groups.items() if alive[index]]
    return sorted(clusters, key=lambda cluster: (-cluster.weight, cluster.members[0]))


def _cluster(unit: Vectors, weights: list[int], members: list[int]) -> Cluster:
    member_weights = np.asarray([weights[index] for index in members], dtype=np.float32)
    centroid = normalise((unit[members] * member_weights[:, None]).sum(axis=0, keepdims=True))[0]
    closeness = unit[members] @ centroid
    order = [members[position] for position in np.argsort(-closeness, kind="stable")]
    return Cluster(members=order, weight=int(member_weights.sum()), centroid=centroid)


def assign(vectors: Vectors, centroids: list[npt.NDArray[np.float32]], *, threshold: float) -> list[int | None]:
    """For each row, the index of the closest centroid if it is at least ``threshold`` similar, else None."""
    if len(vectors) == 0 or not centroids:
        return [None] * len(vectors)
    scores = normalise(vectors) @ np.stack(centroids).T
    best = np.argmax(scores, axis=1)
    return [int(b) if scores[row, b] >= threshold else None for row, b in enumerate(best)]
