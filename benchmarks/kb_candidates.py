"""Ranking candidates of issue 15 side by side: the outcomes of every protocol for one ranking configuration,
kept so that decision rules can be compared on them without ranking again.

    .venv/bin/python -m benchmarks.kb_candidates --name base [--key-count-penalty 1]

Writes var/bench-cache/candidates/<name>.pkl: for the shipped FAQ as shipped and without variants (what the
default rule is fitted on), each department left out (its entries bare, the others with their variants; the
rule is fitted on the other departments), the two foreign FAQs and the day-one questions, the outcomes and the
knowledge base's profile. ``benchmarks.kb_decision_lab`` reads them.
"""

from __future__ import annotations

import argparse
import pickle
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import knowledge_base.service as service
from guichet.contract.departments import DEPARTMENT_LABELS
from guichet.settings import PROJECT_ROOT, Settings
from knowledge_base import evaluation, protocols
from knowledge_base.foreign_faq import entry_id_of
from knowledge_base.ranking import FusionConfig
from knowledge_base.yaml_files import read_entries

EVAL = PROJECT_ROOT / "knowledge_base" / "eval"
FAQ = PROJECT_ROOT / "knowledge_base" / "faq"
OUT = PROJECT_ROOT / "var" / "bench-cache" / "candidates"


def record(knowledge_base: service.KnowledgeBase, questions: list[evaluation.Question]) -> dict[str, Any]:
    outcomes = evaluation.run_questions(knowledge_base.analyse, questions)
    bare = {o.question.text: (not knowledge_base._index.entries[o.ranked[0]].variants) if o.ranked else True
            for o in outcomes}
    return {"outcomes": outcomes, "profile": knowledge_base.profile, "top_bare": bare}


def collect(config: FusionConfig, only: list[str]) -> dict[str, Any]:
    """The outcomes of the protocols in ``only`` for a ranking configuration (see the module's docstring)."""
    service.FusionConfig = lambda: config  # type: ignore[assignment,misc]  # the knowledge base's default
    settings = Settings(_env_file=None)
    faq = [entry for file in sorted(FAQ.glob("*.yml"))
           for entry in read_entries(file, departments=set(DEPARTMENT_LABELS))]
    questions = evaluation.load_questions(EVAL)
    result: dict[str, Any] = {"config": config}
    with tempfile.TemporaryDirectory(prefix="guichet-cand-") as folder:
        if "shipped" in only or "lodo" in only or "dayone" in only:
            kb = protocols.fresh_knowledge_base(settings, protocols.write_faq(faq, Path(folder)), folder=Path(folder))
            result["full"] = record(kb, questions)
            if "dayone" in only:
                result["dayone"] = record(kb, evaluation.load_questions(EVAL / "dayone" / "questions.yml"))
            protocols.reindex(kb, [replace(e, variants=[]) for e in faq])
            result["bare"] = record(kb, questions)
            print("shipped done", flush=True)
            if "lodo" in only:
                result["lodo"] = {}
                department_of = {entry.id: entry.department for entry in faq}
                inside = [q for q in questions if q.expected is not None]
                outside = [q for q in questions if q.expected is None]
                departments = sorted(protocols.departments_of(faq))
                for number, department in enumerate(departments):
                    held = [q for q in inside if department_of.get(q.expected or "") == department]
                    held += outside[number::len(departments)]
                    protocols.use_background(kb, exclude_departments=[department])
                    protocols.reindex(kb, [replace(e, variants=[]) if e.department == department else e for e in faq])
                    result["lodo"][department] = {**record(kb, held), "held": held}
                print("lodo done", flush=True)
            kb.factory.kw["bind"].dispose()
    for name in ("foreign", "foreign2", "foreign3", "foreign4"):
        if name not in only:
            continue
        held = evaluation.load_questions(EVAL / name / "questions.yml", expected_of=entry_id_of)
        with tempfile.TemporaryDirectory(prefix="guichet-cand-") as folder:
            factory = protocols.fresh_database(settings, EVAL / name / "faq.yml", folder=Path(folder))
            kb = protocols.knowledge_base_on(settings, factory)
            result[name] = record(kb, held)
            factory.kw["bind"].dispose()
        print(f"{name} done", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--name", required=True)
    parser.add_argument("--key-count-penalty", type=float, default=0.0)
    parser.add_argument("--only", default="shipped,lodo,foreign,foreign2,dayone")
    args = parser.parse_args()
    config = replace(FusionConfig(), key_count_penalty=args.key_count_penalty)
    result = collect(config, args.only.split(","))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{args.name}.pkl").write_bytes(pickle.dumps(result))


if __name__ == "__main__":
    main()
