"""The key-term agreement's cost on every protocol: the product's runs recorded once, the signal replayed on them.

    .venv/bin/python -m benchmarks.kb_agreement_lab --record base      # runs the protocols (minutes)
    .venv/bin/python -m benchmarks.kb_agreement_lab base                # figures with the agreement in the code

``--record`` runs the product's protocols as ``benchmarks.kb_generalization`` and ``guichet kb eval --protocol
foreign`` do (shipped FAQ 5-fold cross-validated, leave one department out, the three development foreign FAQs,
the day-one questions) and keeps, for every question, its outcome, the decision taken and the candidates' entries
indexed at that moment (var/bench-cache/agreement/<name>.pkl). Replaying turns an
``answer`` into ``clarify`` where the agreement of the code now in ``knowledge_base/agreement.py`` finds a
conflict (a replay is exact as long as the agreement only adds conflicts to the recorded ones: the recorded
decisions already hold the agreement of the recording's code).
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections.abc import Callable
from typing import Any

from benchmarks import kb_generalization
from guichet.settings import PROJECT_ROOT, Settings
from knowledge_base import agreement, evaluation, protocols
from knowledge_base.evaluation import Outcome
from knowledge_base.foreign_faq import entry_id_of
from knowledge_base.service import CONFLICT_CANDIDATES, CONFLICT_RAREST
from knowledge_base.types import Decision
from knowledge_base.validation import EntryData

OUT = PROJECT_ROOT / "var" / "bench-cache" / "agreement"
EVAL = PROJECT_ROOT / "knowledge_base" / "eval"
SHOW = (("top1", "top-1"), ("answered_correct", "right"), ("answer_precision", "prec"),
        ("answered_or_offered", "offered"), ("oos_answered", "oos"), ("wrong_answered", "wrong/all"))


class Recorder:
    """Wraps ``evaluation.run_questions`` and ``evaluation.metrics`` to keep what a replay needs."""

    def __init__(self) -> None:
        self.context: dict[int, list[EntryData]] = {}
        self.calls: list[dict[str, Any]] = []
        self.protocol = ""
        self._run = evaluation.run_questions
        self._metrics = evaluation.metrics

    def install(self) -> None:
        evaluation.run_questions = self.run_questions
        evaluation.metrics = self.metrics

    def run_questions(self, analyse: Callable[..., Any], questions: list[evaluation.Question]) -> list[Outcome]:
        outcomes = self._run(analyse, questions)
        indexed = list(analyse.__self__._index.entries.values())  # type: ignore[attr-defined]
        for outcome in outcomes:
            self.context[id(outcome)] = indexed
        return outcomes

    def metrics(self, outcomes: list[Outcome], decided: list[Decision]) -> dict[str, float]:
        self.calls.append({"protocol": self.protocol, "outcomes": outcomes, "decided": list(decided),
                           "context": [self.context.get(id(o)) for o in outcomes]})
        return self._metrics(outcomes, decided)


def record(name: str, only: list[str]) -> None:
    settings = Settings(_env_file=None)
    recorder = Recorder()
    recorder.install()
    for protocol in only:
        recorder.protocol = protocol
        if protocol in ("foreign", "foreign2", "foreign3"):
            questions = evaluation.load_questions(EVAL / protocol / "questions.yml", expected_of=entry_id_of)
            comparison = protocols.foreign(settings, faq=EVAL / protocol / "faq.yml", questions=questions,
                                           title=protocol)
        else:
            comparison = {"shipped": kb_generalization.shipped, "lodo": kb_generalization.lodo,
                          "dayone": kb_generalization.dayone}[protocol](settings)
        print("\n".join(comparison.lines()), flush=True)
        OUT.mkdir(parents=True, exist_ok=True)
        (OUT / f"{name}.pkl").write_bytes(pickle.dumps(recorder.calls))


def replay(call: dict[str, Any]) -> tuple[list[Decision], list[tuple[Outcome, str]]]:
    """The recorded decisions with the agreement of the code now: an answer it finds a conflict in is offered."""
    built: dict[int, tuple[agreement.KeyTerms, dict[str, EntryData]]] = {}
    decided: list[Decision] = []
    turned: list[tuple[Outcome, str]] = []
    for outcome, decision, indexed in zip(call["outcomes"], call["decided"], call["context"], strict=True):
        if decision == "answer" and indexed is not None:
            if id(indexed) not in built:
                terms = agreement.KeyTerms()
                for entry in indexed:
                    terms.put(entry)
                built[id(indexed)] = terms, {entry.id: entry for entry in indexed}
            terms, entries = built[id(indexed)]
            if entries[outcome.ranked[0]].variants:  # as the service: entries with variants only
                found = terms.conflict(outcome.question.text, outcome.ranked[:CONFLICT_CANDIDATES],
                                       rarest=CONFLICT_RAREST)
                if found is not None:
                    decision = "clarify"
                    turned.append((outcome, found))
        decided.append(decision)
    return decided, turned


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("name")
    parser.add_argument("--record", action="store_true")
    parser.add_argument("--only", default="dayone,shipped,foreign,foreign2,foreign3,lodo")
    parser.add_argument("--show", action="store_true", help="list the answers turned into choices")
    args = parser.parse_args()
    if args.record:
        record(args.name, args.only.split(","))
        return 0
    calls = pickle.loads((OUT / f"{args.name}.pkl").read_bytes())
    print(f"{'':31}" + "".join(f"{label:>10}" for _, label in SHOW))
    seen: list[str] = []
    for call in calls:
        decision = "today" if call["protocol"] not in seen else "adaptive"  # each protocol: today's, then adaptive
        seen.append(call["protocol"])
        decided_now, turned = replay(call)
        for label, decided in (("recorded", call["decided"]), ("replayed", decided_now)):
            figures = evaluation.metrics(call["outcomes"], decided)
            print(f"{call['protocol']:10}{decision:>9}{label:>12}"
                  + "".join(f"{figures[k] * 100:9.1f}%" for k, _ in SHOW))
        if args.show:
            for outcome, word in turned:
                right = "RIGHT" if outcome.ranked[0] == outcome.question.expected else "wrong"
                print(f"    {right} [{word}] {outcome.question.text[:70]!r} -> {outcome.ranked[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
