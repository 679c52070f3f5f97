"""Coverage on held-out questions before and after editors work the training inbox, no retraining.

    .venv/bin/python -m benchmarks.kb_inbox_coverage [--set foreign2] [--write]

A frozen foreign FAQ (knowledge_base/eval/foreign to foreign11: Service-public.fr fiches imported as a city imports
them, no variants) goes into a fresh database; or, with ``--set mixed1`` or ``mixed2``, the shipped FAQ and that
set's fiches imported together (fiches added to a curated FAQ). Its questions are split in two by position in
the file: the even-numbered ones (0, 2, 4...) are "this week's citizens", the odd-numbered ones the
held-out set that is measured. Every question of the inbox half is searched as a citizen's would be
(logged into the training inbox, masked), then labelled as an editor would: an in-scope question is
confirmed as a variant of its right entry, an out-of-scope one marked out of scope. The held-out half is
measured before and after, with the running knowledge base's own refresh (the decision's thresholds
follow the knowledge base as usual; nothing is refitted by hand). The script checks that no held-out
question's text entered the knowledge base (variants or off-topic examples).
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.report import DOCS, header
from guichet.db import session_scope
from guichet.settings import PROJECT_ROOT, Settings
from knowledge_base import evaluation, inbox_store, off_topic_store, protocols
from knowledge_base.foreign_faq import entry_id_of
from knowledge_base.ranking import FusionConfig
from knowledge_base.service import KnowledgeBase
from knowledge_base.store import published_entries

EVAL = PROJECT_ROOT / "knowledge_base" / "eval"
FAQ = PROJECT_ROOT / "knowledge_base" / "faq"
MODEL = PROJECT_ROOT / "var" / "models" / "multilingual-e5-small"
SETS = tuple(sorted(path.name for path in EVAL.iterdir() if path.name.startswith(("foreign", "mixed"))))
ROWS = (("answered_correct", "in scope answered automatically and right (coverage)"),
        ("answer_precision", "precision of automatic answers (in + out of scope)"),
        ("answered_or_offered", "in scope answered or right entry offered in the top 3"),
        ("top1", "top-1 (in scope)"), ("oos_answered", "out of scope answered automatically"))


def measure(knowledge_base: KnowledgeBase, questions: list[evaluation.Question]) -> dict[str, float]:
    outcomes = evaluation.run_questions(knowledge_base.analyse, questions)
    return evaluation.metrics(outcomes, evaluation.decisions_for(outcomes, knowledge_base.thresholds))


def split_by_taught(knowledge_base: KnowledgeBase, questions: list[evaluation.Question],
                    taught: set[str]) -> dict[str, dict[str, float]]:
    """The in-scope held-out questions whose entry got a variant from the inbox, and the others, apart."""
    with_variant = [q for q in questions if q.expected in taught]
    without = [q for q in questions if q.expected is not None and q.expected not in taught]
    return {"entry taught by the inbox": measure(knowledge_base, with_variant),
            "entry not taught": measure(knowledge_base, without)}


def work_the_inbox(knowledge_base: KnowledgeBase, questions: list[evaluation.Question], *,
                   misses_only: bool) -> tuple[int, int]:
    """Each question asked, logged to the inbox, then labelled by an editor; returns (confirmed, out of scope).
    With ``misses_only`` the editor labels only what the bot got wrong: in-scope questions not answered
    automatically with their entry, out-of-scope ones not handed to a person."""
    confirmed = out = 0
    with session_scope(knowledge_base.factory) as session:
        for number, question in enumerate(questions):
            result = knowledge_base.search(question.text, top_k=3)
            item = inbox_store.record_search(session, search_log_id=None, conversation_id=f"week-{number}",
                                             text=question.text, decision=result.decision, hits=list(result.hits))
            if item is None:
                continue
            right = (result.decision == "answer" and bool(result.hits) and result.hits[0].id == question.expected
                     if question.expected is not None else result.decision == "handoff")
            if misses_only and right:
                continue
            if question.expected is not None:
                inbox_store.confirm(session, item_id=item.id, entry_id=question.expected, actor="editor")
                confirmed += 1
            else:
                inbox_store.out_of_scope(session, item_id=item.id, actor="editor")
                out += 1
    knowledge_base.refresh(None)  # what the API's refresh and refresh_off_topic do, all at once
    knowledge_base.wait_profile()
    return confirmed, out


def inbox_store_taught(knowledge_base: KnowledgeBase) -> list[str]:
    """The entries an inbox confirmation gave a variant."""
    with session_scope(knowledge_base.factory) as session:
        return [q.expected for q in inbox_store.labelled_questions(session) if q.expected is not None]


def leaked(knowledge_base: KnowledgeBase, held_out: list[evaluation.Question]) -> int:
    with session_scope(knowledge_base.factory) as session:
        known = {v for entry in published_entries(session) for v in entry.variants}
        known |= set(off_topic_store.live_texts(session))
    return sum(1 for q in held_out if inbox_store.masked(q.text) in known or q.text in known)


@dataclass(frozen=True)
class InboxRun:
    """The held-out half's figures before and after the inbox half was labelled (``measure``), what was labelled,
    how many held-out texts entered the knowledge base (0, or the measure is void), and the held-out in-scope
    questions split by whether their entry got a variant from the inbox."""

    before: dict[str, float]
    after: dict[str, float]
    confirmed: int
    out_of_scope: int
    leaks: int
    split_before: dict[str, dict[str, float]]
    split_after: dict[str, dict[str, float]]


def run_protocol(name: str, *, misses_only: bool = False, hub_weight: float | None = None) -> InboxRun:
    """The protocol on the frozen set ``knowledge_base/eval/<name>`` in a fresh database of its own."""
    foreign = EVAL / name
    questions = evaluation.load_questions(foreign / "questions.yml", expected_of=entry_id_of)
    inbox, held_out = questions[0::2], questions[1::2]
    with tempfile.TemporaryDirectory(prefix="guichet-inbox-bench-") as folder:
        settings = Settings(_env_file=None, var_dir=Path(folder), embedding_model=str(MODEL))
        faq = (protocols.combined_faq(FAQ, foreign / "faq.yml", folder=Path(folder)) if name.startswith("mixed")
               else foreign / "faq.yml")
        factory = protocols.fresh_database(settings, faq, folder=Path(folder))
        options = {} if hub_weight is None else {"config": FusionConfig(hub_weight=hub_weight)}
        knowledge_base = protocols.knowledge_base_on(settings, factory, **options)
        before = measure(knowledge_base, held_out)
        split_before = split_by_taught(knowledge_base, held_out, {q.expected for q in inbox if q.expected} if not
                                       misses_only else set())
        confirmed, out = work_the_inbox(knowledge_base, inbox, misses_only=misses_only)
        taught = set(inbox_store_taught(knowledge_base))
        after = measure(knowledge_base, held_out)
        split_after = split_by_taught(knowledge_base, held_out, taught)
        leaks = leaked(knowledge_base, held_out)
        factory.kw["bind"].dispose()
    return InboxRun(before=before, after=after, confirmed=confirmed, out_of_scope=out, leaks=leaks,
                    split_before=split_before, split_after=split_after)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="append the figures to docs/training-inbox.md")
    parser.add_argument("--hub-weight", type=float, default=None,
                        help="diagnosis: the ranking's hubness weight instead of its default")
    parser.add_argument("--set", default="foreign", choices=SETS, help="which frozen foreign FAQ and its questions")
    parser.add_argument("--misses-only", action="store_true",
                        help="the editor labels only the inbox questions the bot got wrong")
    args = parser.parse_args()
    run = run_protocol(args.set, misses_only=args.misses_only, hub_weight=args.hub_weight)
    command = (f"python -m benchmarks.kb_inbox_coverage --set {args.set}"
               + (" --misses-only" if args.misses_only else "")
               + (f" --hub-weight {args.hub_weight}" if args.hub_weight is not None else ""))
    policy = ("only the questions the bot got wrong" if args.misses_only else "every question")
    lines = [header(f"Training inbox on {args.set}: coverage on held-out questions (editor labels {policy})",
                    command),
             f"Inbox half (even positions in questions.yml): {run.confirmed} in-scope questions confirmed to their "
             f"entry, {run.out_of_scope} marked out of scope. Held-out half (odd positions): "
             f"{int(run.before['in_scope'])} in scope, {int(run.before['out_of_scope'])} out of scope; "
             f"held-out texts found in the knowledge base afterwards: {run.leaks}.", "",
             "| figure (held-out half) | before | after | change |", "|---|---|---|---|"]
    for name, label in ROWS:
        then, now = run.before[name], run.after[name]
        lines.append(f"| {label} | {then * 100:.1f}% | {now * 100:.1f}% | {(now - then) * 100:+.1f} points |")
    if not args.misses_only:
        lines += ["", "In-scope held-out questions by whether their entry got a variant from the inbox:", "",
                  "| group | questions | top-1 before | top-1 after | coverage before | coverage after |",
                  "|---|---|---|---|---|---|"]
        for group, figures in run.split_after.items():
            was = run.split_before[group]
            lines.append(f"| {group} | {int(figures['in_scope'])} | {was['top1'] * 100:.1f}% | "
                         f"{figures['top1'] * 100:.1f}% | {was['answered_correct'] * 100:.1f}% | "
                         f"{figures['answered_correct'] * 100:.1f}% |")
    text = "\n".join(lines) + "\n"
    print(text)
    if run.leaks:
        raise SystemExit(f"{run.leaks} held-out questions entered the knowledge base: the measure is void")
    if args.write:
        with (DOCS / "training-inbox.md").open("a", encoding="utf-8") as doc:
            doc.write("\n" + text)


if __name__ == "__main__":
    main()
