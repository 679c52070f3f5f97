"""Decision rules compared on the outcomes ``benchmarks.kb_candidates`` kept, protocol by protocol.

    .venv/bin/python -m benchmarks.kb_decision_lab base [bare05 ...]

For each kept ranking: the shipped FAQ 5-fold cross-validated (rule refitted per fold), the default rule fitted
on the shipped FAQ with and without variants then applied to the foreign FAQs and the day-one questions, and
leave one department out (rule fitted on the other departments). Nothing here is fitted on a foreign question.
"""

from __future__ import annotations

import pickle
import sys
from typing import Any

from benchmarks.kb_candidates import OUT
from knowledge_base import adaptive, evaluation
from knowledge_base.decision import DEFAULT_THRESHOLDS
from knowledge_base.evaluation import Outcome

SHOW = (("top1", "top-1"), ("top3", "top-3"), ("answered_correct", "right"), ("answer_precision", "prec"),
        ("answered_or_offered", "offered"), ("oos_answered", "oos"), ("wrong_answered", "wrong/all"))


def case(record: dict[str, Any], keep: list[Outcome] | None = None) -> adaptive.Case:
    return adaptive.Case(keep if keep is not None else record["outcomes"], record["profile"])


def figures(kept: dict[str, Any]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    full, bare = case(kept["full"]), case(kept["bare"])
    crossed = adaptive.cross_validate_rule([full], k=5)[0]
    out["shipped CV"] = evaluation.metrics(full.outcomes, crossed)
    rule = adaptive.fit_rule([full, bare])
    out["_rule"] = rule.as_dict()
    if "dayone" in kept:
        c = case(kept["dayone"])
        out["dayone"] = evaluation.metrics(c.outcomes, adaptive.decide_case(c, rule, DEFAULT_THRESHOLDS))
    # the bare rule: fitted on the shipped FAQ without variants and one foreign FAQ, measured on the other
    for name, other in (("foreign", "foreign2"), ("foreign2", "foreign")):
        if name in kept and other in kept:
            c = case(kept[name])
            bare_rule = adaptive.fit_rule([bare, case(kept[other])], max_oos_answered=0.04)
            out[name] = evaluation.metrics(c.outcomes, adaptive.decide_case(c, bare_rule, DEFAULT_THRESHOLDS))
    if "lodo" in kept:
        outcomes, decided = [], []
        for record in kept["lodo"].values():
            held = {id(q) for q in record["held"]}
            texts = {q.text for q in record["held"]}
            train = [adaptive.Case([o for o in c.outcomes if o.question.text not in texts], c.profile)
                     for c in (full, bare)]
            del held
            dept_rule = adaptive.fit_rule(train)  # the knowledge base keeps most variants: the variants rule
            c = case(record)
            outcomes += c.outcomes
            decided += adaptive.decide_case(c, dept_rule, DEFAULT_THRESHOLDS)
        out["lodo"] = evaluation.metrics(outcomes, decided)
    return out


def main() -> None:
    for name in sys.argv[1:]:
        kept = pickle.loads((OUT / f"{name}.pkl").read_bytes())
        results = figures(kept)
        print(f"== {name}: {kept['config']}")
        print(f"   rule {results.pop('_rule')}")
        print(f"   {'':12}" + "".join(f"{label:>10}" for _, label in SHOW))
        for protocol, values in results.items():
            print(f"   {protocol:12}" + "".join(f"{values[key] * 100:9.1f}%" for key, _ in SHOW))


if __name__ == "__main__":
    main()
