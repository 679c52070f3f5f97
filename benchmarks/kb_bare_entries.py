"""Bare entries among curated ones: the city's FAQ (curated, with variants) and imported fiches (no variants) in
one knowledge base, the decision with and without the bare entries' margin, on the same outcomes.

    .venv/bin/python -m benchmarks.kb_bare_entries [--sets mixed1,dayone7] [--fiches knowledge_base/eval/mixed1]

The knowledge base: knowledge_base/faq and the fiches' ``faq.yml`` imported together into a fresh database, as a
city adds Service-public.fr fiches to its own FAQ, nothing calibrated by hand. Each set's questions go through it
once; the decision is the knowledge base's own (``thresholds``), then the same with ``bare_margin`` off. A set
named like a fiches folder (``mixed1``) asks about the fiches (``F1234`` ids); ``dayoneN`` asks about the city's
own entries, to see what the fiches and the margin cost them. Prints the figures; writes nothing.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from guichet.settings import PROJECT_ROOT, Settings
from knowledge_base import evaluation, protocols
from knowledge_base.decision import NO_KEY_RULE
from knowledge_base.foreign_faq import entry_id_of

EVAL = PROJECT_ROOT / "knowledge_base" / "eval"
FAQ = PROJECT_ROOT / "knowledge_base" / "faq"
ROWS = (("top1", "top-1"), ("top3", "top-3"), ("answered_correct", "answered automatically and right"),
        ("answer_precision", "precision of automatic answers"), ("answered_or_offered", "answered or offered (top 3)"),
        ("oos_answered", "out-of-scope answered"), ("wrong_answered", "wrong automatic answers, of all questions"))


def combined_faq(fiches: Path, folder: Path) -> Path:
    """One folder holding the city's FAQ files and the fiches' import file, imported together."""
    target = folder / "faq"
    shutil.copytree(FAQ, target)
    shutil.copy(fiches / "faq.yml", target / "zz-fiches.yml")
    return target


def questions_of(name: str) -> list[evaluation.Question]:
    return evaluation.load_questions(EVAL / name / "questions.yml" if (EVAL / name / "faq.yml").exists()
                                     else EVAL / name, expected_of=entry_id_of)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="mixed1")
    parser.add_argument("--fiches", default=str(EVAL / "mixed1"))
    args = parser.parse_args()
    settings = Settings(_env_file=None, embedding_model=str(PROJECT_ROOT / "var/models/multilingual-e5-small"))
    with tempfile.TemporaryDirectory(prefix="bench-bare-") as folder:
        factory = protocols.fresh_database(settings, combined_faq(Path(args.fiches), Path(folder)),
                                           folder=Path(folder))
        knowledge_base = protocols.knowledge_base_on(settings, factory)
        on = knowledge_base.thresholds
        print(f"rule: {knowledge_base.decision_status()['rule']}\nthresholds: {on}\n")
        for name in args.sets.split(","):
            outcomes = evaluation.run_questions(knowledge_base.analyse, questions_of(name))
            figures = {label: evaluation.metrics(outcomes, evaluation.decisions_for(outcomes, thresholds))
                       for label, thresholds in (("without", replace(on, bare_margin=NO_KEY_RULE)), ("with", on))}
            bare = sum(o.signals is not None and o.signals.bare for o in outcomes)
            print(f"### {name} ({int(figures['with']['in_scope'])} in scope, {int(figures['with']['out_of_scope'])} "
                  f"out of scope; first entry bare for {bare})\n")
            print("| | without the bare margin | with it |\n|---|---:|---:|")
            for key, label in ROWS:
                print(f"| {label} | {figures['without'][key]:.1%} | {figures['with'][key]:.1%} |")
            print()
        factory.kw["bind"].dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
