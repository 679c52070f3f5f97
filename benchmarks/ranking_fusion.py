"""A linear fusion of the ranking signals, fitted on labelled questions (a candidate measured by
benchmarks/kb_ranking.py; not adopted: see docs/benchmarks-kb.md).

An entry's score is ``w · (key, document, answer, lexical, title)``: the soft maximum of the cosines
to its question and variants, the cosine to the whole entry, to its answer, the normalised BM25 of
all its fields and of its question and tags (see ``ranking``). The weights are fitted by a listwise
softmax loss (each question: its right entry against the other candidates), with an L2 penalty, and
then scaled so that the three cosine weights sum to one: the score stays in cosine units, as the
decision's thresholds and the off-topic gap expect.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

SIGNALS = ("key", "document", "answer", "lexical", "title")
COSINES = 3  # the first three signals are cosines
# today's fixed blend: (0.7 key + 1.0 document) / 1.7 + 0.04 lexical
TODAY = np.array([0.7 / 1.7, 1.0 / 1.7, 0.0, 0.04, 0.0])
Matrix = npt.NDArray[np.float64]


class Labelled(Protocol):
    features: Matrix

    def label(self) -> npt.NDArray[np.bool_]: ...


def fit_weights(items: Sequence[Labelled], *, l2: float = 0.0, temperature_init: float = 30.0) -> Matrix:
    """Weights over ``SIGNALS`` fitted on questions whose right entry is among their candidates."""
    from scipy.optimize import minimize

    usable = [(item.features, int(np.flatnonzero(item.label())[0])) for item in items if item.label().any()]
    if not usable:
        raise ValueError("fit_weights: no question has its right entry among the candidates")

    def loss(w: Matrix) -> tuple[float, Matrix]:
        total, grad = 0.0, np.zeros_like(w)
        for features, right in usable:
            scores = features @ w
            scores -= scores.max()
            p = np.exp(scores)
            p /= p.sum()
            total -= float(np.log(max(p[right], 1e-300)))
            grad -= features[right] - p @ features
        n = len(usable)
        return total / n + l2 * float(w @ w), grad / n + 2 * l2 * w

    start = TODAY * temperature_init
    result = minimize(loss, start, jac=True, method="L-BFGS-B")
    weights = np.asarray(result.x, dtype=np.float64)
    scale = float(weights[:COSINES].sum())
    if scale <= 0:
        raise ValueError(f"fit_weights: fitted cosine weights {weights[:COSINES]} do not sum to a positive number")
    return weights / scale
