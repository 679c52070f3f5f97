"""Fit the adaptive decision's default rule on the shipped FAQ, as shipped and with every entry stripped of its
variants (the state of a freshly imported FAQ), asked the first-party evaluation questions (knowledge_base/eval).

    .venv/bin/python -m benchmarks.kb_rule_fit

Prints the rule to paste into ``knowledge_base.adaptive.DEFAULT_RULE``. The foreign FAQ's and the day-one
questions are never used here: they measure the rule afterwards (benchmarks.kb_generalization).
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

from handoff_api.crud.agents import DEFAULT_DEPARTMENTS
from handoff_api.settings import PROJECT_ROOT, Settings
from knowledge_base import adaptive, evaluation, protocols
from knowledge_base.yaml_files import read_entries

EVAL = PROJECT_ROOT / "knowledge_base" / "eval"
FAQ = PROJECT_ROOT / "knowledge_base" / "faq"


def main() -> None:
    settings = Settings(_env_file=None)
    faq = [entry for file in sorted(FAQ.glob("*.yml"))
           for entry in read_entries(file, departments=set(DEFAULT_DEPARTMENTS))]
    questions = evaluation.load_questions(EVAL)
    with tempfile.TemporaryDirectory(prefix="guichet-rule-") as folder:
        knowledge_base = protocols.fresh_knowledge_base(settings, protocols.write_faq(faq, Path(folder)),
                                                        folder=Path(folder))
        full = adaptive.Case(evaluation.run_questions(knowledge_base.analyse, questions), knowledge_base.profile)
        protocols.reindex(knowledge_base, [replace(entry, variants=[]) for entry in faq])
        bare = adaptive.Case(evaluation.run_questions(knowledge_base.analyse, questions), knowledge_base.profile)
        knowledge_base.factory.kw["bind"].dispose()
    rule = adaptive.fit_rule([full, bare])
    print(f"{len(faq)} entries, {len(questions)} questions")
    print(rule)
    for name, case in (("as shipped", full), ("without variants", bare)):
        crossed = adaptive.cross_validate_rule([case], k=5)[0]
        figures = evaluation.metrics(case.outcomes, crossed)
        print(f"{name}, rule refitted per fold (5-fold): answered right {figures['answered_correct']:.1%}, "
              f"precision {figures['answer_precision']:.1%}, offered {figures['answered_or_offered']:.1%}, "
              f"out of scope answered {figures['oos_answered']:.1%}")


if __name__ == "__main__":
    main()
