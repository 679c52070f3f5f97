"""The question clustering: the fast average linkage agrees with the textbook algorithm; thresholds and
assignment to existing groups."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.clustering import agglomerate, assign, normalise


def naive_average_linkage(vectors: np.ndarray, weights: list[int], threshold: float) -> list[set[int]]:
    """The textbook algorithm: recompute every pair's weighted mean similarity at each step."""
    unit = normalise(vectors.astype(np.float32)).astype(np.float64)
    groups = [{index} for index in range(len(weights))]
    while len(groups) > 1:
        best, pair = -np.inf, (0, 0)
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                total = sum(weights[a] * weights[b] * float(unit[a] @ unit[b]) for a in groups[i] for b in groups[j])
                mean = total / (sum(weights[a] for a in groups[i]) * sum(weights[b] for b in groups[j]))
                if mean > best:
                    best, pair = mean, (i, j)
        if best < threshold:
            break
        i, j = pair
        groups[i] |= groups.pop(j)
    return groups


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_agglomeration_matches_the_textbook_algorithm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(5, 16))
    vectors = centres[rng.integers(0, 5, 40)] + 0.4 * rng.normal(size=(40, 16))
    weights = [int(w) for w in rng.integers(1, 4, 40)]
    clusters = agglomerate(vectors.astype(np.float32), weights, threshold=0.7)
    expected = naive_average_linkage(vectors, weights, 0.7)
    assert sorted(sorted(c.members) for c in clusters) == sorted(sorted(g) for g in expected)
    assert sum(c.weight for c in clusters) == sum(weights)
    assert [c.weight for c in clusters] == sorted((c.weight for c in clusters), reverse=True)


def test_threshold_and_assignment() -> None:
    vectors = np.array([[1, 0], [0.99, 0.1], [0, 1], [0.1, 0.99]], dtype=np.float32)
    assert len(agglomerate(vectors, [1, 1, 1, 1], threshold=0.95)) == 2
    assert len(agglomerate(vectors, [1, 1, 1, 1], threshold=0.999)) == 4
    assert agglomerate(np.zeros((0, 2), dtype=np.float32), [], threshold=0.9) == []
    clusters = agglomerate(vectors, [5, 1, 1, 1], threshold=0.95)
    assert clusters[0].weight == 6 and clusters[0].members[0] == 0  # most central first
    centroids = [c.centroid for c in clusters]
    assert assign(np.array([[1, 0.05], [-1, 0]], dtype=np.float32), centroids, threshold=0.9) == [0, None]
    with pytest.raises(ValueError, match="3 rows for 2 weights"):
        agglomerate(np.zeros((3, 2), dtype=np.float32), [1, 1])
