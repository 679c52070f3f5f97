"""Knowledge-base benchmark: search latency, import throughput, memory, and quality side by side.

    .venv/bin/python benchmarks/kb_search.py [--model PATH] [--queries 200] [--sizes 100,1000,10000]

Latency is one ``KnowledgeBase.search`` (query encoding, dense and lexical scoring, decision) on
the eval questions, with the FAQ plus synthetic entries up to each size (their vectors are the FAQ's
own, jittered, so no time is spent encoding them); the recent-queries cache is emptied first and
warmed with other questions, so every timed query is encoded; a last row times the same queries
asked again (cache hits). Import throughput is ``import_path`` of 1,000 new entries with their
embeddings computed; re-indexing is the median over 9 of those entries, each given a new question
and answer (so both are encoded). Quality compares the hybrid search and its decision with dense
alone and BM25 alone on knowledge_base/eval (decisions cross-validated, 5 folds).
Prints a markdown report and writes it to docs/benchmarks-kb-search.md (docs/benchmarks-kb.md holds the
knowledge base's measured history, written by hand from the runs it names: no benchmark overwrites it).
"""

from __future__ import annotations

import argparse
import platform
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from guichet.db import make_engine, make_session_factory, session_scope  # noqa: E402
from guichet.migrate import upgrade  # noqa: E402
from guichet.settings import Settings  # noqa: E402
from knowledge_base import calibration, evaluation, store  # noqa: E402
from knowledge_base.decision import Signals, signals  # noqa: E402
from knowledge_base.entry_vectors import EntryVectors, entry_vectors  # noqa: E402
from knowledge_base.loader import CacheWarmer, load_knowledge_base  # noqa: E402
from knowledge_base.ranking import FusionConfig, HybridIndex, Ranked  # noqa: E402
from knowledge_base.service import KnowledgeBase  # noqa: E402
from knowledge_base.validation import EntryData  # noqa: E402
from knowledge_base.yaml_files import import_path  # noqa: E402

REFRESHES = 9
WORDS = ["horaires", "tarifs", "inscription", "demande", "dossier", "rendez-vous", "carte", "piscine", "école",
         "crèche", "parking", "vélo", "déchets", "bruit", "logement", "aide", "mairie", "quartier", "rue", "marché",
         "bibliothèque", "concert", "stade", "jardin", "permis"]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_entries(count: int, seed: int, prefix: str) -> list[EntryData]:
    rng = random.Random(seed)
    out = []
    for index in range(count):
        words = rng.sample(WORDS, 6)
        out.append(EntryData(
            id=f"{prefix}-{index:05d}", department="accueil", question=f"Comment faire pour {' '.join(words[:4])} ?",
            answer=f"Pour {' '.join(words)}, consultez notre page ou venez à l'accueil de la mairie ({index}).",
            variants=[f"{words[0]} {words[1]} {words[4]}", f"{words[2]} {words[3]} {words[5]} {index}"]))
    return out


def jittered(knowledge_base: KnowledgeBase, entries: list[EntryData], factory_seed: int) -> list[EntryVectors]:
    """Vectors for synthetic entries: a real entry's vectors plus noise, re-normalised."""
    rng = np.random.default_rng(factory_seed)
    with session_scope(knowledge_base.factory) as session:
        real = entry_vectors(session, encoder=knowledge_base.encoder,
                             entries=[store.entry_data(e) for e in store.published_entries(session)])
    out: list[EntryVectors] = []
    for entry in entries:
        _, real_keys, real_passages = real[int(rng.integers(len(real)))]
        count = min(len(real_keys), len(entry.variants) + 1)
        keys = real_keys[:count] + rng.normal(0, 0.02, real_keys[:count].shape)
        passages = real_passages + rng.normal(0, 0.02, real_passages.shape)
        out.append((entry, (keys / np.linalg.norm(keys, axis=1, keepdims=True)).astype(np.float32),
                    (passages / np.linalg.norm(passages, axis=1, keepdims=True)).astype(np.float32)))
    return out


def latencies(knowledge_base: KnowledgeBase, queries: list[str], warm_up: list[str],
              *, repeated: bool = False) -> dict[str, float]:
    if not repeated:
        knowledge_base.recent_queries.clear()
        for query in warm_up:
            knowledge_base.search(query)
    times = []
    for query in queries:
        started = time.perf_counter()
        knowledge_base.search(query)
        times.append((time.perf_counter() - started) * 1000)
    p50, p95, p99 = np.percentile(times, [50, 95, 99])
    return {"p50": p50, "p95": p95, "p99": p99}


def edit(knowledge_base: KnowledgeBase, entry_id: str, **changes: object) -> float:
    """Save a change as an editor does, then re-index the entry; returns the re-indexing time in seconds."""
    with session_scope(knowledge_base.factory) as session:
        entry = store.entry_data(store.get_entry(session, entry_id=entry_id))
        store.update_entry(session, actor="bench", data=EntryData(**{**entry.as_dict(), **changes}))
    started = time.perf_counter()
    knowledge_base.refresh([entry_id])
    return time.perf_counter() - started


def edit_and_refresh(knowledge_base: KnowledgeBase, entry_id: str) -> float:
    """A new question and answer (so encoding is measured), then the re-indexing, in ms."""
    with session_scope(knowledge_base.factory) as session:
        entry = store.entry_data(store.get_entry(session, entry_id=entry_id))
    return edit(knowledge_base, entry_id, question=f"{entry.question} (modifiée)",
                answer=f"{entry.answer} Nouveau.") * 1000


def quality(knowledge_base: KnowledgeBase, questions: list[evaluation.Question]) -> list[tuple[str, dict[str, float]]]:
    with session_scope(knowledge_base.factory) as session:
        entries = [store.entry_data(e) for e in store.published_entries(session)]
        vectors = entry_vectors(session, encoder=knowledge_base.encoder, entries=entries)
    rows = []
    hybrid = evaluation.run_questions(knowledge_base.analyse, questions)
    dense_index = HybridIndex(knowledge_base._index.dense.dim, FusionConfig(lexical_weight=0.0))
    dense_index.put_many(vectors)
    lexical = knowledge_base._index.lexical

    def dense(text: str) -> tuple[list[Ranked], Signals | None]:
        ranked = dense_index.rank(text, knowledge_base.encoder.encode_queries([text])[0])
        return ranked, signals(ranked)

    def bm25(text: str) -> tuple[list[Ranked], Signals | None]:
        scores = sorted(lexical.scores(text).items(), key=lambda item: -item[1])[:10]
        ranked = [Ranked(entry_id, score, 0.0, score) for entry_id, score in scores]
        return ranked, signals(ranked)

    for name, outcomes in (("hybrid + decision", hybrid),
                           ("dense alone", evaluation.run_questions(dense, questions)),
                           ("BM25 alone", evaluation.run_questions(bm25, questions))):
        rows.append((name, evaluation.metrics(outcomes, calibration.cross_validate(outcomes, k=5))))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=Settings().resolved_embedding_model)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--import-count", type=int, default=1000)
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks-kb-search.md"))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    settings = Settings(var_dir=folder, embedding_model=args.model, seed_faq_on_start=True)
    engine = make_engine(settings)
    upgrade(engine)
    factory = make_session_factory(engine)
    started = time.perf_counter()
    knowledge_base = load_knowledge_base(settings, factory)
    load_seconds = time.perf_counter() - started
    rss_loaded = rss_mb()
    questions = evaluation.load_questions(ROOT / "knowledge_base" / "eval")
    queries = [q.text for q in questions][: args.queries]
    warm_up = [q.text for q in questions][args.queries: args.queries + 10]
    faq_size = len(knowledge_base)

    rows = []
    for size in sorted(int(s) for s in args.sizes.split(",")):
        missing = size - len(knowledge_base)
        if missing > 0:
            knowledge_base.index_vectors(jittered(knowledge_base, synthetic_entries(missing, size, f"syn{size}"), size))
        rows.append((len(knowledge_base), latencies(knowledge_base, queries, warm_up)))
    repeated = latencies(knowledge_base, queries, warm_up, repeated=True)
    rss_index = rss_mb()

    batch = folder / "import.yml"
    batch.write_text(yaml.safe_dump({"entries": [e.as_dict() | {"status": "published"}
                                                 for e in synthetic_entries(args.import_count, 1, "imp")]},
                                    allow_unicode=True), encoding="utf-8")
    started = time.perf_counter()
    report = import_path(factory, batch, actor="bench", before_writing=CacheWarmer(knowledge_base.encoder))
    import_seconds = time.perf_counter() - started
    assert report.ok, report.lines()
    refresh_times = [edit_and_refresh(knowledge_base, entry_id) for entry_id in report.files[0].created[:REFRESHES]]
    refresh_ms, refresh_max = float(np.median(refresh_times)), max(refresh_times)

    fresh = load_knowledge_base(settings, factory)  # the import's entries are published: a clean index for quality
    with session_scope(factory) as session:
        for entry in store.published_entries(session):
            if entry.id.startswith("imp-"):
                store.delete_entry(session, entry_id=entry.id, actor="bench")
    fresh.load()
    side_by_side = quality(fresh, questions)

    lines = [
        "## Knowledge-base search: latency, import, memory, quality", "",
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- machine: {platform.machine()}, {platform.processor() or 'cpu'}, {_cores()} cores, {_memory()}, "
        f"Python {platform.python_version()}",
        f"- command: `.venv/bin/python benchmarks/kb_search.py {' '.join(sys.argv[1:])}`".rstrip(),
        f"- model: {knowledge_base.encoder.name}; FAQ {faq_size} entries; {len(queries)} queries (the eval questions)",
        "",
        "## Search latency (one query, encoding included)", "",
        "| entries | p50 ms | p95 ms | p99 ms | target p95 |", "|---:|---:|---:|---:|---|",
    ]
    targets = {1000: "<= 30 ms", 10000: "<= 50 ms"}
    for size, figures in rows:
        lines.append(f"| {size:,} | {figures['p50']:.1f} | {figures['p95']:.1f} | {figures['p99']:.1f} | "
                     f"{targets.get(size, '')} |")
    lines.append(f"| {rows[-1][0]:,}, each query asked again | {repeated['p50']:.1f} | {repeated['p95']:.1f} | "
                 f"{repeated['p99']:.1f} | |")
    lines += [
        "", "## Import, update, memory", "",
        "| what | measured | target |", "|---|---:|---|",
        f"| import {args.import_count:,} entries, embeddings included | {import_seconds:.1f} s | <= 60 s |",
        f"| one entry re-indexed (encoding included), median of {len(refresh_times)} (slowest) "
        f"| {refresh_ms:.0f} ms ({refresh_max:.0f}) | < 100 ms |",
        f"| start-up: model load, seed, index ({faq_size} entries) | {load_seconds:.1f} s | |",
        f"| RSS with model and FAQ index | {rss_loaded:.0f} MB | <= 1,500 MB |",
        f"| RSS with model and {rows[-1][0]:,} entries | {rss_index:.0f} MB | |",
        "", "## Quality on knowledge_base/eval (decisions: 5-fold cross-validation)", "",
        "| method | top-1 | top-3 | MRR | answered & correct | answer precision | answered or offered | "
        "out-of-scope answered |", "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, m in side_by_side:
        lines.append(f"| {name} | {m['top1']:.1%} | {m['top3']:.1%} | {m['mrr']:.3f} | {m['answered_correct']:.1%} "
                     f"| {m['answer_precision']:.1%} | {m['answered_or_offered']:.1%} | {m['oos_answered']:.1%} |")
    lines += ["", "Targets: top-1 >= 92%; answered & correct >= 70% at >= 95% precision; answered or offered "
              ">= 90%; out-of-scope answered <= 5%."]
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    return 0


def _cores() -> int:
    import os

    return os.cpu_count() or 1


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GB RAM"
    except OSError:
        pass
    return "RAM unknown"


if __name__ == "__main__":
    sys.exit(main())
