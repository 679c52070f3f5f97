"""What the near-paraphrase signal costs a search: the same queries with and without it, side by side.

    .venv/bin/python -m benchmarks.kb_nearest_key [--queries 200] [--sizes 1000,10000]

The seed FAQ and the model loaded as the application loads them, then synthetic entries up to each size (the
FAQ's vectors jittered, as ``kb_search`` does). Each eval question is searched twice, in alternating order, the
recent-queries cache emptied before each search so that both encode it: once as the application searches, once
with the dense index's nearest keys switched off (the search as it was before the signal; the keys' cosines are
computed once for both, so what is left is reading the nearest of them). Prints p50 and p95 of
both and writes docs/benchmarks-kb-nearest-key.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import report
from benchmarks.kb_search import jittered, synthetic_entries
from guichet.db import make_engine, make_session_factory
from guichet.migrate import upgrade
from guichet.settings import PROJECT_ROOT, Settings
from knowledge_base import evaluation
from knowledge_base.loader import load_knowledge_base
from knowledge_base.service import KnowledgeBase


def timed_search(knowledge_base: KnowledgeBase, query: str) -> float:
    knowledge_base.recent_queries.clear()
    started = time.perf_counter()
    knowledge_base.search(query)
    return (time.perf_counter() - started) * 1000


def side_by_side(knowledge_base: KnowledgeBase, queries: list[str]) -> dict[str, list[float]]:
    dense: Any = knowledge_base._index.dense
    times: dict[str, list[float]] = {"with": [], "without": []}
    for number, query in enumerate(queries):
        for variant in (("with", "without") if number % 2 == 0 else ("without", "with")):
            if variant == "without":
                dense._nearest = lambda _plain: None  # the search as it was before the signal
            times[variant].append(timed_search(knowledge_base, query))
            dense.__dict__.pop("_nearest", None)
    return times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kb-nearest-key-"))
    settings = Settings(var_dir=folder, embedding_model=Settings().resolved_embedding_model, seed_faq_on_start=True)
    engine = make_engine(settings)
    upgrade(engine)
    knowledge_base = load_knowledge_base(settings, make_session_factory(engine))
    queries = [q.text for q in evaluation.load_questions(PROJECT_ROOT / "knowledge_base" / "eval")][: args.queries]
    for query in queries[:10]:  # warm up
        timed_search(knowledge_base, query)
    rows = []
    for size in sorted(int(s) for s in args.sizes.split(",")):
        missing = size - len(knowledge_base)
        if missing > 0:
            knowledge_base.index_vectors(jittered(knowledge_base, synthetic_entries(missing, size, f"syn{size}"), size))
        times = side_by_side(knowledge_base, queries)
        row = [f"{len(knowledge_base):,}"]
        for variant in ("without", "with"):
            p50, p95 = np.percentile(times[variant], [50, 95])
            row += [f"{p50:.1f}", f"{p95:.1f}"]
        rows.append(row)
        print(row, flush=True)
    text = (report.header("Knowledge base: the near-paraphrase signal's cost", "python -m benchmarks.kb_nearest_key "
                          + " ".join(sys.argv[1:]))
            + f"\nOne search (query encoding included), {len(queries)} eval questions each searched with and without "
            "the signal in alternating order, the query cache emptied before each search.\n\n"
            + report.table(["entries", "without: p50 ms", "without: p95 ms", "with (today): p50 ms",
                            "with (today): p95 ms"], rows))
    report.write_section("kb-nearest-key", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
