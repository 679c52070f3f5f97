"""Coverage on held-out questions before and after editors work the training inbox, no retraining.

    .venv/bin/python -m benchmarks.kb_inbox_coverage [--write]

The frozen foreign FAQ (knowledge_base/eval/foreign: 174 Service-public.fr fiches imported as a city
imports them, no variants) goes into a fresh database. Its questions are split in two by position in
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
from pathlib import Path

from benchmarks.report import DOCS, header
from handoff_api.db import session_scope
from handoff_api.settings import PROJECT_ROOT, Settings
from knowledge_base import evaluation, inbox_store, off_topic_store, protocols
from knowledge_base.foreign_faq import entry_id_of
from knowledge_base.service import KnowledgeBase
from knowledge_base.store import published_entries

FOREIGN = PROJECT_ROOT / "knowledge_base" / "eval" / "foreign"
ROWS = (("answered_correct", "in scope answered automatically and right (coverage)"),
        ("answer_precision", "precision of automatic answers (in + out of scope)"),
        ("answered_or_offered", "in scope answered or right entry offered in the top 3"),
        ("top1", "top-1 (in scope)"), ("oos_answered", "out of scope answered automatically"))


def measure(knowledge_base: KnowledgeBase, questions: list[evaluation.Question]) -> dict[str, float]:
    outcomes = evaluation.run_questions(knowledge_base.analyse, questions)
    return evaluation.metrics(outcomes, evaluation.decisions_for(outcomes, knowledge_base.thresholds))


def work_the_inbox(knowledge_base: KnowledgeBase, questions: list[evaluation.Question]) -> tuple[int, int]:
    """Each question asked, logged to the inbox, then labelled by an editor; returns (confirmed, out of scope)."""
    confirmed = out = 0
    with session_scope(knowledge_base.factory) as session:
        for number, question in enumerate(questions):
            result = knowledge_base.search(question.text, top_k=3)
            item = inbox_store.record_search(session, search_log_id=None, conversation_id=f"week-{number}",
                                             text=question.text, decision=result.decision, hits=list(result.hits))
            if item is None:
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


def leaked(knowledge_base: KnowledgeBase, held_out: list[evaluation.Question]) -> int:
    with session_scope(knowledge_base.factory) as session:
        known = {v for entry in published_entries(session) for v in entry.variants}
        known |= set(off_topic_store.live_texts(session))
    return sum(1 for q in held_out if inbox_store.masked(q.text) in known or q.text in known)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="append the figures to docs/training-inbox.md")
    args = parser.parse_args()
    questions = evaluation.load_questions(FOREIGN / "questions.yml", expected_of=entry_id_of)
    inbox, held_out = questions[0::2], questions[1::2]
    with tempfile.TemporaryDirectory(prefix="guichet-inbox-bench-") as folder:
        settings = Settings(_env_file=None, var_dir=Path(folder))
        factory = protocols.fresh_database(settings, FOREIGN / "faq.yml", folder=Path(folder))
        knowledge_base = protocols.knowledge_base_on(settings, factory)
        before = measure(knowledge_base, held_out)
        confirmed, out = work_the_inbox(knowledge_base, inbox)
        after = measure(knowledge_base, held_out)
        leaks = leaked(knowledge_base, held_out)
        factory.kw["bind"].dispose()
    lines = [header("Training inbox: coverage on held-out questions", "python -m benchmarks.kb_inbox_coverage"),
             f"Inbox half (even positions in questions.yml): {confirmed} in-scope questions confirmed to their "
             f"entry, {out} marked out of scope. Held-out half (odd positions): "
             f"{int(before['in_scope'])} in scope, {int(before['out_of_scope'])} out of scope; "
             f"held-out texts found in the knowledge base afterwards: {leaks}.", "",
             "| figure (held-out half) | before | after | change |", "|---|---|---|---|"]
    for name, label in ROWS:
        lines.append(f"| {label} | {before[name] * 100:.1f}% | {after[name] * 100:.1f}% | "
                     f"{(after[name] - before[name]) * 100:+.1f} points |")
    text = "\n".join(lines) + "\n"
    print(text)
    if leaks:
        raise SystemExit(f"{leaks} held-out questions entered the knowledge base: the measure is void")
    if args.write:
        with (DOCS / "training-inbox.md").open("a", encoding="utf-8") as doc:
            doc.write("\n" + text)


if __name__ == "__main__":
    main()
