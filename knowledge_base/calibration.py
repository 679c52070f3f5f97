"""Fit the decision thresholds on labelled questions, and measure them honestly by cross-validation.

``fit_thresholds`` picks the answer thresholds (top score, margin, gap) that answer the most in-scope
questions correctly while the automatic answers stay at least ``target_precision`` correct (out-of-
scope questions answered count as wrong answers) and at most ``max_oos_answered`` of the out-of-
scope questions are answered; then the clarify floors (score and gap) that still offer the right
entry (answered, or among the three choices) to ``min_offered`` of the in-scope questions while
sending the most out-of-scope ones to a person.
Figures measured on the questions used to fit are optimistic: ``cross_validate`` fits on k-1 folds
and decides the held-out fold, for every fold, and reports those decisions.
"""

from __future__ import annotations

import random

import numpy as np

from knowledge_base.decision import Thresholds
from knowledge_base.evaluation import Outcome, decisions_for
from knowledge_base.types import Decision

GRID = 120
OOS_CLARIFY_COST = 0.5  # an out-of-scope question offered choices costs half an in-scope one not offered


def _arrays(outcomes: list[Outcome]) -> dict[str, np.ndarray]:
    def signal(name: str) -> np.ndarray:
        return np.array([getattr(o.signals, name) if o.signals else -np.inf for o in outcomes])

    inside = np.array([o.question.expected is not None for o in outcomes])
    first = np.array([bool(o.ranked) and o.ranked[0] == o.question.expected for o in outcomes])
    in_top3 = np.array([o.question.expected in o.ranked[:3] for o in outcomes])
    return {"top": signal("top"), "margin": signal("margin"), "gap": signal("gap"), "inside": inside,
            "first": first & inside, "top3": in_top3 & inside}


def _candidates(values: np.ndarray, size: int) -> np.ndarray:
    finite = np.unique(values[np.isfinite(values)])
    if len(finite) > size:
        finite = np.unique(np.quantile(finite, np.linspace(0, 1, size)))
    return np.concatenate([[-np.inf], finite, [np.inf]])


def fit_thresholds(outcomes: list[Outcome], *, target_precision: float = 0.95, max_oos_answered: float = 0.05,
                   min_offered: float = 0.90) -> Thresholds:
    if not 0 < target_precision <= 1:
        raise ValueError(f"target_precision: {target_precision} is not in (0, 1]")
    a = _arrays(outcomes)
    n_out = max(1, int((~a["inside"]).sum()))
    scores, margins, gaps = (_candidates(a["top"], GRID), _candidates(a["margin"], GRID // 2),
                             _candidates(a["gap"], GRID // 3))
    above_score = a["top"][None, :] >= scores[:, None]
    above_margin = a["margin"][None, :] >= margins[:, None]
    best: tuple[int, float, float, float] | None = None
    for gap in gaps:
        # answered[i, j, q]: question q is answered with score threshold i and margin threshold j
        answered = above_score[:, None, :] & above_margin[None, :, :] & (a["gap"] >= gap)
        correct = (answered & a["first"]).sum(axis=2)
        total = answered.sum(axis=2)
        oos = (answered & ~a["inside"]).sum(axis=2) / n_out
        precision = np.where(total > 0, correct / np.maximum(total, 1), 1.0)
        feasible = (precision >= target_precision) & (oos <= max_oos_answered)
        for i, j in np.argwhere(feasible):
            # most correct answers; ties: the most conservative thresholds
            candidate = (int(correct[i, j]), float(scores[i]), float(gap), float(margins[j]))
            if best is None or candidate > best:
                best = candidate
    _, answer_score, answer_gap, answer_margin = best if best is not None else (0, np.inf, np.inf, np.inf)
    is_answered = (a["top"] >= answer_score) & (a["margin"] >= answer_margin) & (a["gap"] >= answer_gap)
    right_answers = int((is_answered & a["first"]).sum())
    clarify_score, clarify_gap = _clarify_floors(a, is_answered, right_answers, answer_score, min_offered)
    return Thresholds(answer_score=_finite(answer_score), answer_margin=_finite(answer_margin),
                      clarify_score=_finite(clarify_score), answer_gap=_finite(answer_gap),
                      clarify_gap=_finite(clarify_gap))


def _clarify_floors(a: dict[str, np.ndarray], is_answered: np.ndarray, right_answers: int, answer_score: float,
                    min_offered: float) -> tuple[float, float]:
    """The score and gap floors of clarify that hand the most out-of-scope questions to a person while offering
    the right entry to ``min_offered`` of the in-scope ones; if none can, the best trade of the two."""
    n_in, n_out = max(1, int(a["inside"].sum())), max(1, int((~a["inside"]).sum()))
    floors = _candidates(a["top"], GRID)
    floors = floors[floors <= answer_score]
    unanswered = ~is_answered
    gaps = _candidates(a["gap"][unanswered], GRID // 2)
    # clarify[i, j, q]: question q is offered choices with score floor i and gap floor j
    clarify = ((a["top"][None, None, :] >= floors[:, None, None]) & (a["gap"][None, None, :] >= gaps[None, :, None])
               & unanswered)
    offered = (right_answers + (clarify & a["top3"]).sum(axis=2)) / n_in
    oos_clarified = (clarify & ~a["inside"]).sum(axis=2) / n_out
    reaching = offered >= min_offered
    if reaching.any():
        # fewest out-of-scope offered; ties: the highest floors
        cost = np.where(reaching, oos_clarified, np.inf)
        i, j = max(np.argwhere(cost == cost.min()), key=lambda ij: (floors[ij[0]], gaps[ij[1]]))
    else:
        i, j = np.unravel_index(np.argmax(offered - OOS_CLARIFY_COST * oos_clarified), offered.shape)
    return float(floors[i]), float(gaps[j])


def _finite(value: float) -> float:
    return float(np.clip(value, -10.0, 10.0))


def folds(count: int, k: int, *, seed: int = 7) -> list[list[int]]:
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return [order[f::k] for f in range(k)]


def cross_validate(outcomes: list[Outcome], *, k: int = 5, seed: int = 7, **fit: float) -> list[Decision]:
    """Each question decided by thresholds fitted without it (k folds); same order as ``outcomes``."""
    decided: list[Decision | None] = [None] * len(outcomes)
    for held in folds(len(outcomes), k, seed=seed):
        held_set = set(held)
        train = [o for i, o in enumerate(outcomes) if i not in held_set]
        thresholds = fit_thresholds(train, **fit)
        for i, decision in zip(held, decisions_for([outcomes[i] for i in held], thresholds), strict=True):
            decided[i] = decision
    return [d if d is not None else "handoff" for d in decided]
