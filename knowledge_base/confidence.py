"""How likely the first entry is the right answer: a logistic model over signals that hold across FAQs.

The raw scores of a knowledge base without variants sit lower than those of one with many, so a
threshold on the top score fitted on one FAQ says little about another. The model reads signals
relative to the knowledge base itself: the top score above the knowledge base's own floor (the median
top score of the off-topic examples, a level every FAQ has), the lead over the second entry in the
fused, dense and lexical scores, the lead over the closest off-topic example still counting, and
whether the first entry speaks of what the message names (``agreement``). Its weights are fitted on
the shipped FAQ with departments left out and their variants removed (``guichet kb calibrate
--learn``), so they describe a freshly imported FAQ as much as the shipped one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from knowledge_base.agreement import Agreement
from knowledge_base.ranking import Ranked

FEATURES = ("top_over_floor", "margin", "dense_margin", "lexical", "lexical_lead", "gap", "coverage", "missing",
            "no_known_term")


@dataclass(frozen=True)
class Evidence:
    """What the decision knows about one message (``features`` turns it into the model's inputs)."""

    top: float
    second: float
    dense_margin: float
    lexical: float
    lexical_lead: float
    off_topic: float
    floor: float
    agreement: Agreement
    second_agreement: Agreement | None = None

    @property
    def margin(self) -> float:
        return self.top - self.second

    @property
    def gap(self) -> float:
        return self.top - self.off_topic

    def features(self) -> npt.NDArray[np.float64]:
        return np.array([self.top - self.floor, self.margin, self.dense_margin, self.lexical, self.lexical_lead,
                         min(self.gap, 0.2), self.agreement.coverage, self.agreement.missing,
                         float(self.agreement.known == 0)])


def evidence(ranked: list[Ranked], *, off_topic: float, floor: float, agreement: Agreement,
             second_agreement: Agreement | None = None) -> Evidence:
    second = ranked[1] if len(ranked) > 1 else None
    lexical_rest = max((r.lexical for r in ranked[1:]), default=0.0)
    return Evidence(top=ranked[0].score, second=second.score if second else ranked[0].score - 1.0,
                    dense_margin=ranked[0].dense - (second.dense if second else ranked[0].dense - 1.0),
                    lexical=ranked[0].lexical, lexical_lead=ranked[0].lexical - lexical_rest, off_topic=off_topic,
                    floor=floor, agreement=agreement, second_agreement=second_agreement)


@dataclass(frozen=True)
class Logistic:
    weights: tuple[float, ...]
    bias: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def probability(self, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        z = ((x - np.array(self.mean)) / np.array(self.scale)) @ np.array(self.weights) + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    def as_dict(self) -> dict[str, list[float] | float]:
        return {"weights": list(self.weights), "bias": self.bias, "mean": list(self.mean), "scale": list(self.scale)}


def fit_logistic(x: npt.NDArray[np.float64], y: npt.NDArray[np.bool_], *, l2: float = 1.0,
                 steps: int = 50) -> Logistic:
    """L2-regularised logistic regression by Newton's method on standardised features."""
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    target = y.astype(np.float64)
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(z @ w)))
        gradient = z.T @ (p - target) + penalty * w
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return Logistic(weights=tuple(float(v) for v in w[:-1]), bias=float(w[-1]), mean=tuple(float(v) for v in mean),
                    scale=tuple(float(v) for v in scale))
