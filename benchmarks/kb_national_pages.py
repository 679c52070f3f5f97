"""What the pages not held cost: encoding them once, reading them, and each search.

    .venv/bin/python -m benchmarks.kb_national_pages [--set foreign10] [--rounds 3]

A foreign FAQ (``knowledge_base/eval/<set>``: fiches as a city imports them; or, for a ``dayone`` set, the shipped
FAQ, whose entries have variants) goes into a fresh database with the real model. Timed: encoding the pages (what
``guichet model pages`` does once at install; with another model, what the first import into a database does
once), reading the vectors it wrote beside the model (what each process does), then ``KnowledgeBase.analyse`` on as
many of the set's questions as the recent queries keep (their vectors computed in a first untimed pass: the
check's cost is in the index), with the check on and off, alternated in rounds in one process (these machines are
shared: before and after in one run). Prints the figures and writes docs/benchmarks-kb-national-pages.md (or
-shipped.md for the shipped FAQ).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.report import stamp, summary, table, write_section
from guichet.settings import PROJECT_ROOT, Settings
from knowledge_base import evaluation, protocols
from knowledge_base.foreign_faq import entry_id_of
from knowledge_base.national_pages import PAGES_PATH
from knowledge_base.page_vectors import PAGES_FILE, precomputed
from knowledge_base.service import KnowledgeBase

EVAL = PROJECT_ROOT / "knowledge_base" / "eval"
FAQ = PROJECT_ROOT / "knowledge_base" / "faq"
MODEL = PROJECT_ROOT / "var" / "models" / "multilingual-e5-small"


def timed_searches(knowledge_base: KnowledgeBase, texts: list[str]) -> list[float]:
    milliseconds = []
    for text in texts:
        start = time.perf_counter()
        knowledge_base.analyse(text)
        milliseconds.append(1000 * (time.perf_counter() - start))
    return milliseconds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", default="foreign10")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    shipped = args.set.startswith("dayone")
    questions = evaluation.load_questions(EVAL / args.set / "questions.yml",
                                          expected_of=None if shipped else entry_id_of)
    texts = [question.text for question in questions]
    faq = FAQ if shipped else EVAL / args.set / "faq.yml"
    settings = Settings(_env_file=None, embedding_model=str(MODEL))
    with tempfile.TemporaryDirectory() as folder:
        knowledge_base = protocols.fresh_knowledge_base(settings, faq, folder=Path(folder))
        pages = knowledge_base.pages_elsewhere.pages
        if pages is None:
            raise SystemExit(f"{args.set}: no entry the pages are checked against, the pages were not loaded")
        start = time.perf_counter()
        knowledge_base.encoder.encode_passages([page.text for page in pages.pages])
        encode_seconds = time.perf_counter() - start
        start = time.perf_counter()
        stored = precomputed(MODEL, encoder=knowledge_base.encoder, path=PAGES_PATH, count=len(pages.pages))
        read_seconds = time.perf_counter() - start
        if stored is None:
            raise SystemExit(f"{MODEL / PAGES_FILE}: missing or stale, run `make install`")
        texts = texts[: knowledge_base.recent_queries.size]
        timed_searches(knowledge_base, texts)  # the messages' vectors, kept by the recent queries: the index is timed
        on: list[float] = []
        off: list[float] = []
        for _round in range(args.rounds):
            knowledge_base.pages_elsewhere.pages = pages
            on += timed_searches(knowledge_base, texts)
            knowledge_base.pages_elsewhere.pages = None  # the check off: nothing else changes
            off += timed_searches(knowledge_base, texts)
        knowledge_base.pages_elsewhere.pages = pages
    rows = [[label, len(values), *(f"{summary(values)[key]:.1f}" for key in ("p50", "p95", "p99"))]
            for label, values in (("pages not held checked", on), ("not checked", off))]
    text = (f"## Knowledge base: the pages not held, their cost ({'shipped FAQ' if shipped else 'imported fiches'})\n\n"
            f"{stamp(f'python -m benchmarks.kb_national_pages --set {args.set} --rounds {args.rounds}')}\n\n"
            f"Encoding the {len(pages.pages)} pages once (`guichet model pages`, run by `make install`): "
            f"{encode_seconds:.1f} s; reading the vectors it writes beside the model (each process, once): "
            f"{1000 * read_seconds:.0f} ms; their vectors: {pages.vectors.nbytes / 2**20:.1f} MiB.\n\n"
            f"`KnowledgeBase.analyse` on the {len(texts)} questions of `knowledge_base/eval/{args.set}` "
            f"({'the shipped FAQ' if shipped else 'its fiches'}, "
            f"{len(knowledge_base)} entries), milliseconds, the messages' vectors already computed (the check's "
            f"cost is in the index, not the encoder), alternated in "
            f"{args.rounds} rounds:\n\n" + table(["search", "searches", "p50", "p95", "p99"], rows))
    write_section("kb-national-pages-shipped" if shipped else "kb-national-pages", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
