"""Thresholds that follow the knowledge base they run on, with no manual step.

The scores of a knowledge base depend on it: entries with a dozen variants score higher than
fiches imported with only their question, and a denser FAQ gives smaller leads over the off-topic
examples. Absolute thresholds fitted on one FAQ therefore answer too little (or too much) on
another. A ``Rule`` states the thresholds relative to the knowledge base in use: the top score must
reach a quantile of the top scores its own off-topic examples get (``Profile``, recomputed whenever
entries or examples change), the lead over the closest off-topic example a quantile of the leads
those examples get over one another, and the lead over the second entry a fixed margin (it is
about the same on every FAQ measured). ``fit_rule`` picks the quantiles on labelled questions asked
of several knowledge bases at once (the shipped FAQ with and without its variants), so that each
keeps the target precision. Two rules ship: ``DEFAULT_RULE`` for a knowledge base whose entries have variants,
``BARE_RULE`` for one whose entries mostly have none (a freshly imported FAQ); ``default_rule`` picks by the
entries in use, re-checked whenever they change (docs/benchmarks-kb.md).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from knowledge_base.decision import Thresholds
from knowledge_base.evaluation import Outcome, decisions_for
from knowledge_base.types import Decision
from knowledge_base.written_entries import has_variants

QUANTILES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.98)
MARGINS = (0.0, 0.005, 0.01, 0.013, 0.016, 0.02, 0.025, 0.03, 0.04)
OFFERED_SLACK = 0.03  # clarify must offer the right entry to all in-scope questions whose top 3 holds it, but 3 points


@dataclass(frozen=True)
class Rule:
    answer_top_quantile: float
    answer_gap_quantile: float
    answer_margin: float
    clarify_top_quantile: float
    clarify_gap_quantile: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rule:
        try:
            values = {name: float(data[name]) for name in cls.__dataclass_fields__}
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"rule {data!r}: needs the numbers {', '.join(cls.__dataclass_fields__)}") from error
        for name, value in values.items():
            if name.endswith("quantile") and not 0.0 <= value <= 1.0:
                raise ValueError(f"rule {name}: {value} is not a quantile in [0, 1]")
        return cls(**values)


# fitted by ``fit_rule`` (benchmarks/kb_rule_fit.py; target precision 0.955), multilingual-e5-small+q128+bf16.
# DEFAULT_RULE, for a knowledge base whose entries have variants: knowledge_base/eval asked of the shipped FAQ with
# and without its variants, at most 5% of out-of-scope answered. BARE_RULE, for a freshly imported FAQ: the same
# questions asked of the shipped FAQ without its variants and the two development foreign FAQs (fiches imported as
# they are, knowledge_base/eval/foreign and foreign2), at most 4% of out-of-scope answered; fitted without one
# foreign FAQ it was measured on it (docs/benchmarks-kb.md).
DEFAULT_RULE = Rule(answer_top_quantile=0.9, answer_gap_quantile=0.8, answer_margin=0.03,
                    clarify_top_quantile=0.1, clarify_gap_quantile=0.4)
BARE_RULE = Rule(answer_top_quantile=0.95, answer_gap_quantile=0.75, answer_margin=0.02,
                 clarify_top_quantile=0.1, clarify_gap_quantile=0.4)
BARE_SHARE = 0.5  # a knowledge base with at most this share of entries having variants gets BARE_RULE


def default_rule(*, variant_counts: Sequence[int], variants: Rule = DEFAULT_RULE, bare: Rule = BARE_RULE) -> Rule:
    """The default rule of a knowledge base whose entries have ``variant_counts`` variants each: ``bare`` when few
    of them ``has_variants`` (a freshly imported FAQ: its scores, and how far they can be trusted, are those of
    entries without variants), else ``variants``."""
    with_variants = sum(has_variants(count) for count in variant_counts)
    return variants if variant_counts and with_variants / len(variant_counts) > BARE_SHARE else bare


# What the default rules were measured to reach, for the console while no calibration has been made here
# (docs/benchmarks-kb.md): BARE_RULE on FAQs of fiches written and measured once after it was fitted, the fiches
# imported with their full text as details: foreign11 and foreign12, each measured once with today's search and the
# pages not held (228 right of 231 automatic answers and 314 of 320 offered; 214 of 221 and 313 of 320), and foreign7
# to foreign10 pooled, each measured once before the pages were checked (914 right of 944 automatic answers, 1,389 of
# 1,429 offered; the check only holds answers back); without details (foreign3 and foreign4 pooled, measured before
# entries had details; the development sets it was fitted on said 98% at 69%); and the shipped FAQ (cross-validated;
# its questions were among the development sets of the near-paraphrase and anchored-margin thresholds and of the
# pages' lead beside entries with variants, so a development figure).
DEFAULT_ESTIMATES = (
    {"what": "FAQ importées avec le texte des fiches, pages Service-public.fr vérifiées (2 FAQ de 200 fiches, 840 "
             "messages écrits à l'aveugle, mesurées une fois)", "precision": 0.978, "coverage": 0.691,
     "offered": 0.980},
    {"what": "FAQ importées avec le texte des fiches, avant la vérification des pages (4 FAQ de 180 à 226 fiches, "
             "1 829 messages écrits à l'aveugle, mesurées une fois)", "precision": 0.968, "coverage": 0.640,
     "offered": 0.972},
    {"what": "FAQ importées sans variantes ni texte de référence (2 × 174 fiches, 920 messages écrits à l'aveugle, "
             "mesurées une fois)", "precision": 0.939, "coverage": 0.596, "offered": 0.933},
    {"what": "FAQ livrée avec ses variantes (validation croisée sur 460 messages, qui ont aussi servi à régler la "
             "décision)", "precision": 0.971, "coverage": 0.578, "offered": 0.957},
)


@dataclass(frozen=True)
class Profile:
    """What the knowledge base's own off-topic examples score on it: their top scores, and each one's
    top score minus its closest other example (the lead a message like it gets over the list)."""

    tops: npt.NDArray[np.float64]
    gaps: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.tops)

    def thresholds(self, rule: Rule) -> Thresholds | None:
        """The rule's thresholds on this knowledge base (None: too few examples to tell)."""
        if len(self.tops) < MIN_EXAMPLES:
            return None
        return Thresholds(answer_score=float(np.quantile(self.tops, rule.answer_top_quantile)),
                          answer_margin=rule.answer_margin,
                          answer_gap=float(np.quantile(self.gaps, rule.answer_gap_quantile)),
                          clarify_score=float(np.quantile(self.tops, rule.clarify_top_quantile)),
                          clarify_gap=float(np.quantile(self.gaps, rule.clarify_gap_quantile))).with_key_rule()


MIN_EXAMPLES = 20


@dataclass(frozen=True)
class Case:
    """Labelled questions asked of one knowledge base, and that knowledge base's profile."""

    outcomes: list[Outcome]
    profile: Profile


def _arrays(outcomes: list[Outcome]) -> dict[str, npt.NDArray[Any]]:
    def signal(name: str) -> npt.NDArray[np.float64]:
        return np.array([getattr(o.signals, name) if o.signals else -np.inf for o in outcomes])

    inside = np.array([o.question.expected is not None for o in outcomes])
    first = np.array([bool(o.ranked) and o.ranked[0] == o.question.expected for o in outcomes])
    top3 = np.array([o.question.expected in o.ranked[:3] for o in outcomes])
    return {"top": signal("top"), "margin": signal("margin"), "gap": signal("gap"), "inside": inside,
            "first": first & inside, "top3": top3 & inside}


def _answer_figures(a: dict[str, npt.NDArray[Any]], t: Thresholds) -> tuple[float, float, float, npt.NDArray[Any]]:
    answered = (a["top"] >= t.answer_score) & (a["margin"] >= t.answer_margin) & (a["gap"] >= t.answer_gap)
    n_in, n_out = max(1, int(a["inside"].sum())), max(1, int((~a["inside"]).sum()))
    right = int((answered & a["first"]).sum())
    precision = right / int(answered.sum()) if answered.any() else 1.0
    return right / n_in, precision, float((answered & ~a["inside"]).sum() / n_out), answered


def fit_rule(cases: list[Case], *, target_precision: float = 0.955, max_oos_answered: float = 0.05) -> Rule:
    """The quantiles and margin that answer the most in-scope questions right over all cases while every case
    keeps ``target_precision`` and ``max_oos_answered``; then the clarify quantiles that offer the right entry
    whenever the top 3 holds it (but ``OFFERED_SLACK``) while offering the fewest out-of-scope questions."""
    arrays = [_arrays(case.outcomes) for case in cases]
    best: tuple[float, Rule] | None = None
    for top_q, gap_q, margin in itertools.product(QUANTILES, QUANTILES, MARGINS):
        rule = Rule(top_q, gap_q, margin, 0.0, 0.0)
        covered, feasible = 0.0, True
        for case, a in zip(cases, arrays, strict=True):
            thresholds = case.profile.thresholds(rule)
            if thresholds is None:
                continue
            coverage, precision, oos, _ = _answer_figures(a, thresholds)
            feasible = feasible and precision >= target_precision and oos <= max_oos_answered
            covered += coverage
        if feasible and (best is None or covered >= best[0] - 1e-12):  # ties: the more conservative
            best = (covered, rule)
    answer = best[1] if best is not None else Rule(1.0, 1.0, 1.0, 0.0, 0.0)
    cheapest: tuple[float, Rule] | None = None
    for top_q, gap_q in itertools.product(QUANTILES, QUANTILES):
        rule = Rule(answer.answer_top_quantile, answer.answer_gap_quantile, answer.answer_margin, top_q, gap_q)
        cost, feasible = 0.0, True
        for case, a in zip(cases, arrays, strict=True):
            thresholds = case.profile.thresholds(rule)
            if thresholds is None:
                continue
            _, _, _, answered = _answer_figures(a, thresholds)
            clarify = ~answered & (a["top"] >= thresholds.clarify_score) & (a["gap"] >= thresholds.clarify_gap)
            n_in, n_out = max(1, int(a["inside"].sum())), max(1, int((~a["inside"]).sum()))
            offered = ((answered & a["first"]).sum() + (clarify & a["top3"]).sum()) / n_in
            feasible = feasible and offered >= a["top3"].sum() / n_in - OFFERED_SLACK
            cost += float((clarify & ~a["inside"]).sum() / n_out)
        if feasible and (cheapest is None or cost <= cheapest[0] + 1e-12):  # ties: the higher floors
            cheapest = (cost, rule)
    return cheapest[1] if cheapest is not None else answer


def decide_case(case: Case, rule: Rule, fallback: Thresholds) -> list[Decision]:
    return list(decisions_for(case.outcomes, case.profile.thresholds(rule) or fallback))


def cross_validate_rule(cases: list[Case], *, k: int = 5, seed: int = 7,
                        **fit: float) -> list[list[Decision]]:
    """Each question of each case decided by a rule fitted without it (k folds over every case's questions)."""
    from knowledge_base.calibration import folds

    decided: list[list[Decision]] = [["handoff"] * len(case.outcomes) for case in cases]
    splits = [folds(len(case.outcomes), k, seed=seed) for case in cases]
    for f in range(k):
        train = [Case([o for i, o in enumerate(case.outcomes) if i not in set(split[f])], case.profile)
                 for case, split in zip(cases, splits, strict=True)]
        rule = fit_rule(train, **fit)
        for c, (case, split) in enumerate(zip(cases, splits, strict=True)):
            held = [case.outcomes[i] for i in split[f]]
            thresholds = case.profile.thresholds(rule)
            if thresholds is None:
                continue
            for i, decision in zip(split[f], decisions_for(held, thresholds), strict=True):
                decided[c][i] = decision
    return decided
