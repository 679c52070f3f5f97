"""Search latency and memory with entries' details, side by side with the same entries without, in one run.

    .venv/bin/python -m benchmarks.kb_details_scale [--sizes 1000,10000] [--queries 200]

Each variant runs in its own process (so that its peak RSS is its own): the seed FAQ and the embedding model
loaded as the application loads them, then synthetic entries up to each size (vectors jittered from the FAQ's,
as in ``kb_search``); "with details" gives every entry a real fiche's text as details (BM25 indexes its
searched words) and ``details.MAX_PASSAGES`` detail vectors, the most an entry can have. Latency is one
``KnowledgeBase.search`` (query encoding included, recent-queries cache emptied and warmed with other
questions). Prints a markdown table and writes it to docs/benchmarks-kb-details.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from benchmarks import report
from benchmarks.kb_search import jittered, latencies, rss_mb, synthetic_entries
from guichet.db import make_engine, make_session_factory
from guichet.heap import release_free_memory
from guichet.migrate import upgrade
from guichet.settings import Settings
from knowledge_base import evaluation
from knowledge_base.details import MAX_PASSAGES
from knowledge_base.entry_vectors import EntryVectors
from knowledge_base.loader import load_knowledge_base
from knowledge_base.protocols import faq_entries

ROOT = Path(__file__).resolve().parent.parent


def fiche_texts() -> list[str]:
    """The real fiches' texts of the frozen foreign FAQs (a thousand), for the words BM25 indexes."""
    return [entry.details for path in sorted((ROOT / "knowledge_base" / "eval").glob("foreign*/faq.yml"))
            for entry in faq_entries(path) if entry.details]


def with_details(vectors: list[EntryVectors], seed: int, texts: list[str]) -> list[EntryVectors]:
    """Each entry given a real fiche's text as details (numbered, so that no two are the same) and
    ``MAX_PASSAGES`` detail vectors near its whole-text passage."""
    rng = np.random.default_rng(seed)
    out: list[EntryVectors] = []
    for position, (entry, keys, passages) in enumerate(vectors):
        details = passages[:1] + rng.normal(0, 0.05, (MAX_PASSAGES, passages.shape[1]))
        details = details / np.linalg.norm(details, axis=1, keepdims=True)
        text = f"{texts[position % len(texts)]} Fiche {seed}-{position}."
        out.append((replace(entry, details=text), keys, np.concatenate([passages, details.astype(np.float32)])))
    return out


def measure(*, details: bool, sizes: list[int], queries: int) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="kb-details-"))
    settings = Settings(var_dir=folder, embedding_model=Settings().resolved_embedding_model, seed_faq_on_start=True)
    engine = make_engine(settings)
    upgrade(engine)
    knowledge_base = load_knowledge_base(settings, make_session_factory(engine))
    questions = [q.text for q in evaluation.load_questions(ROOT / "knowledge_base" / "eval")]
    asked, warm_up = questions[:queries], questions[queries:queries + 10]
    rows = []
    texts = fiche_texts() if details else []
    for size in sizes:
        missing = size - len(knowledge_base)
        if missing > 0:
            vectors = jittered(knowledge_base, synthetic_entries(missing, size, f"syn{size}"), size)
            knowledge_base.index_vectors(with_details(vectors, size, texts) if details else vectors)
            del vectors  # the benchmark's own input: the application drops its copies and trims, as here
            gc.collect()
            release_free_memory()
        rows.append({"entries": len(knowledge_base), **latencies(knowledge_base, asked, warm_up),
                     "current_mb": report.rss_mb(os.getpid())})
    index_mb = knowledge_base._index.dense.vector_bytes / 2**20
    return {"details": details, "rows": rows, "rss_mb": rss_mb(), "index_mb": index_mb}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--variant", choices=["plain", "details"])
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    if args.variant:
        print(json.dumps(measure(details=args.variant == "details", sizes=sizes, queries=args.queries)))
        return 0
    results = []
    for variant in ("plain", "details"):
        done = subprocess.run([sys.executable, "-m", "benchmarks.kb_details_scale", "--variant", variant,
                               "--sizes", args.sizes, "--queries", str(args.queries)],
                              capture_output=True, text=True, check=True, cwd=ROOT)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    rows = []
    targets = {1000: "<= 30 ms", 10000: "<= 50 ms"}
    for result in results:
        for row in result["rows"]:
            rows.append([f"{row['entries']:,}", f"{MAX_PASSAGES} per entry" if result["details"] else "none",
                         f"{row['p50']:.1f}", f"{row['p95']:.1f}", f"{row['p99']:.1f}", targets.get(row["entries"], ""),
                         f"{row['current_mb']:.0f} MB", f"{result['index_mb']:.0f} MB / {result['rss_mb']:.0f} MB"])
    text = (report.header("Knowledge base: search with entries' details, side by side",
                          f"python -m benchmarks.kb_details_scale --sizes {args.sizes} --queries {args.queries}")
            + "\nEach variant in its own process, one after the other; synthetic entries jittered from the FAQ's "
            f"vectors; \"{MAX_PASSAGES} per entry\": a real fiche's text each, the most detail passages an entry "
            "can have.\n\n"
            + report.table(["entries", "details", "p50 ms", "p95 ms", "p99 ms", "target p95",
                            "RSS after this size", "dense vectors / peak RSS of the run"], rows))
    report.write_section("kb-details", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
