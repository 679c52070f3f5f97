"""A cross-encoder reranker trained from the e5 encoder on development questions, side by side with today's ranking.

    .venv/bin/python -m benchmarks.kb_reranker [--train foreign,foreign2,foreign3] [--test foreign4] [--minutes 25]

A candidate of issue 15 (a reader of the question and the entry together, for entries without variants), not
adopted (docs/benchmarks-kb.md, "A cross-encoder reranker"). No registry package ships multilingual
cross-encoder weights, so this one is trained here:

- training cases: the development foreign FAQs of ``--train`` (each imported into a fresh database), every
  question with today's top 8; a listwise loss (softmax over the 8) for in-scope questions whose fiche is
  among them, every one a negative (binary loss) for out-of-scope questions (their top 4);
- the model: e5's transformer (its word embeddings frozen) reading "query: <question>" and "passage: <entry's
  question and answer>" as one pair, mean-pooled, a linear head; AdamW 2e-5 (head 1e-3), two questions a
  step, one epoch or ``--minutes``, sequences cut at 128 tokens, on CPU;
- measured on the foreign FAQ of ``--test`` (never trained on) and on the shipped FAQ with every entry
  without variants (other entries, written another way, and its own questions; never trained on): top-1 of
  today's ranking, then of today's top 5 reordered by ``score + lam * logit``; and, with today's decision on
  the test FAQ, the automatic answers the reranker would veto (it prefers another of the top 5) and the
  clarifications it would promote to answers (it prefers today's first by a logit margin).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from guichet.settings import PROJECT_ROOT, Settings
from knowledge_base import evaluation, protocols
from knowledge_base.decision import decide
from knowledge_base.encoder import batch_threads
from knowledge_base.foreign_faq import entry_id_of
from knowledge_base.types import Decision

EVAL = PROJECT_ROOT / "knowledge_base" / "eval"
FAQ = PROJECT_ROOT / "knowledge_base" / "faq"
TRAIN_CANDIDATES = 8
RERANKED = 5
MAX_TOKENS = 128
BLENDS = (0.02, 0.05, 0.1)
PROMOTE_MARGINS = (2.0, 3.0)


@dataclass(frozen=True)
class Case:
    text: str
    expected: str | None
    candidates: list[tuple[str, float, str]]  # entry id, today's score, the entry's question and answer
    decision: Decision


def cases_on(settings: Settings, faq: Path, questions: list[evaluation.Question], *, bare: bool = False) -> list[Case]:
    """Today's ranking and decision for each question, on ``faq`` imported into a fresh database."""
    entries = protocols.faq_entries(faq)
    text_of = {entry.id: f"{entry.question} {entry.answer}" for entry in entries}
    with tempfile.TemporaryDirectory(prefix="guichet-reranker-") as folder:
        source = protocols.write_faq([replace(e, variants=[]) for e in entries], Path(folder)) if bare else faq
        knowledge_base = protocols.knowledge_base_on(
            settings, protocols.fresh_database(settings, source, folder=Path(folder)))
        found = []
        for question in questions:
            ranked, signals = knowledge_base.analyse(question.text.strip())
            found.append(Case(question.text.strip(), question.expected,
                              [(r.id, r.score, text_of[r.id]) for r in ranked[:TRAIN_CANDIDATES]],
                              decide(signals, knowledge_base.thresholds)))
        knowledge_base.factory.kw["bind"].dispose()
    return found


def foreign_cases(settings: Settings, name: str) -> list[Case]:
    questions = evaluation.load_questions(EVAL / name / "questions.yml", expected_of=entry_id_of)
    return cases_on(settings, EVAL / name / "faq.yml", questions)


def shipped_bare_cases(settings: Settings) -> list[Case]:
    questions = [q for path in sorted(EVAL.glob("*.yml")) for q in evaluation.load_questions(path)]
    return cases_on(settings, FAQ, questions, bare=True)


def training_groups(cases: list[Case]) -> list[tuple[str, list[str], int | None]]:
    """(question, candidate texts, position of the right one or None for out of scope); cases whose right entry
    today's top 8 misses teach nothing to a reranker of that top and are left out."""
    groups: list[tuple[str, list[str], int | None]] = []
    for case in cases:
        ids = [entry_id for entry_id, _score, _text in case.candidates]
        if case.expected is None:
            groups.append((case.text, [text for _i, _s, text in case.candidates[:4]], None))
        elif case.expected in ids:
            groups.append((case.text, [text for _i, _s, text in case.candidates], ids.index(case.expected)))
    return groups


class Reranker:
    def __init__(self, model_folder: Path) -> None:
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_folder))
        self.bert = AutoModel.from_pretrained(str(model_folder))
        self.head = torch.nn.Linear(self.bert.config.hidden_size, 1)
        for parameter in self.bert.embeddings.parameters():
            parameter.requires_grad = False

    def logits(self, question: str, passages: list[str]) -> Any:
        encoded = self.tokenizer([f"query: {question}"] * len(passages), [f"passage: {p}" for p in passages],
                                 truncation="longest_first", max_length=MAX_TOKENS, padding=True, return_tensors="pt")
        hidden = self.bert(**encoded).last_hidden_state
        mask = encoded["attention_mask"].unsqueeze(-1).float()
        return self.head((hidden * mask).sum(1) / mask.sum(1)).squeeze(-1)

    def train(self, groups: list[tuple[str, list[str], int | None]], *, minutes: float) -> int:
        torch = self.torch
        functional = torch.nn.functional
        torch.manual_seed(0)
        torch.set_num_threads(batch_threads())  # the knowledge base left one thread for its queries
        random.Random(0).shuffle(groups)
        trainable = [p for p in self.bert.parameters() if p.requires_grad]
        optimiser = torch.optim.AdamW([{"params": trainable, "lr": 2e-5},
                                       {"params": self.head.parameters(), "lr": 1e-3}])
        self.bert.train()
        started, steps = time.monotonic(), 0
        for start in range(0, len(groups), 2):
            loss = torch.zeros(())
            for question, passages, right in groups[start:start + 2]:
                scores = self.logits(question, passages)
                loss = loss + (functional.binary_cross_entropy_with_logits(scores, torch.zeros_like(scores))
                               if right is None else functional.cross_entropy(scores.unsqueeze(0),
                                                                              torch.tensor([right])))
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            steps += 1
            if time.monotonic() - started > minutes * 60:
                break
        self.bert.eval()
        print(f"trained {steps} steps on {len(groups)} questions in {time.monotonic() - started:.0f} s", flush=True)
        return steps

    def score(self, case: Case) -> list[float]:
        with self.torch.no_grad():
            return [float(v) for v in self.logits(case.text, [t for _i, _s, t in case.candidates[:RERANKED]])]


def top1(cases: list[Case], logits: list[list[float]], lam: float | None) -> float:
    """Share of in-scope cases whose right entry comes first; ``lam`` None: today's order."""
    hits = []
    for case, scores in zip(cases, logits, strict=True):
        if case.expected is None or not case.candidates:
            continue
        blended = [s + (lam or 0.0) * logit for (_i, s, _t), logit in zip(case.candidates, scores, strict=False)]
        first = max(range(len(blended)), key=blended.__getitem__) if lam is not None else 0
        hits.append(case.candidates[first][0] == case.expected)
    return sum(hits) / len(hits)


OUTCOMES = ("right", "wrong", "out of scope")


def counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {counter[name]}" for name in OUTCOMES)


def outcome(case: Case) -> str:
    return "out of scope" if case.expected is None else (
        "right" if case.candidates[0][0] == case.expected else "wrong")


def veto_and_promote(cases: list[Case], logits: list[list[float]]) -> list[str]:
    """Today's answers the reranker would veto, and clarifications it would promote, by outcome."""
    vetoed: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    promoted = {margin: Counter[str]() for margin in PROMOTE_MARGINS}
    for case, scores in zip(cases, logits, strict=True):
        if not scores:
            continue
        prefers_first = max(range(len(scores)), key=scores.__getitem__) == 0
        if case.decision == "answer":
            (kept if prefers_first else vetoed)[outcome(case)] += 1
        elif case.decision == "clarify" and prefers_first and len(scores) > 1:
            for margin in PROMOTE_MARGINS:
                if scores[0] - max(scores[1:]) >= margin:
                    promoted[margin][outcome(case)] += 1
    lines = [f"- today's automatic answers: {counts(kept + vetoed)}; the reranker would veto {counts(vetoed)}"]
    lines += [f"- clarifications it would promote (logit margin >= {m}): {counts(c)}" for m, c in promoted.items()]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", default="foreign,foreign2,foreign3")
    parser.add_argument("--test", default="foreign4")
    parser.add_argument("--minutes", type=float, default=25.0)
    args = parser.parse_args()
    if args.test in args.train.split(","):
        parser.error(f"--test {args.test} is among --train {args.train}")
    model = Settings().resolved_embedding_model  # the installed encoder; everything else in a scratch folder
    settings = Settings(_env_file=None, var_dir=Path(tempfile.mkdtemp(prefix="reranker-")), embedding_model=model)
    reranker = Reranker(Path(settings.resolved_embedding_model))
    train = [case for name in args.train.split(",") for case in foreign_cases(settings, name)]
    reranker.train(training_groups(train), minutes=args.minutes)
    shipped = "shipped FAQ, every entry without variants (never trained on)"
    for title, cases in ((f"{args.test} (never trained on)", foreign_cases(settings, args.test)),
                         (shipped, shipped_bare_cases(settings))):
        logits = [reranker.score(case) for case in cases]
        figures = [("today", top1(cases, logits, None))] + [(f"+ {lam} x logit", top1(cases, logits, lam))
                                                            for lam in BLENDS]
        print(f"\n{title}: top-1 " + ", ".join(f"{label} {value:.1%}" for label, value in figures), flush=True)
        print("\n".join(veto_and_promote(cases, logits)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
