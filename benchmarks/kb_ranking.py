"""Ranking candidates side by side on the two generalization protocols.

    .venv/bin/python benchmarks/kb_ranking.py [--foreign-questions FILE] [--model PATH]

1. Leave one department out on the shipped FAQ: the held-out department's entries are indexed
   without variants (question, answer, tags: a fresh import), the other departments as shipped;
   its eval questions are asked, plus the out-of-scope questions. Fitted weights are fitted on the
   other departments only (their variants asked against their entries indexed without variants).
2. The foreign FAQ: fiches read by the fiches importer (no variants), their labelled questions;
   weights fitted on the whole shipped FAQ only.

Figures: top-1, top-3, MRR of the in-scope questions, and the separation of the top score: the
AUC between in-scope questions ranked right at top-1 and the rest (wrong top-1 or out of scope).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.ranking_data import (  # noqa: E402
    VectorCache,
    foreign_entries,
    foreign_questions,
    shipped_entries,
    shipped_questions,
    without_variants,
)
from benchmarks.ranking_features import SIGNALS, FeatureIndex, QueryCandidates  # noqa: E402
from benchmarks.ranking_fusion import TODAY, fit_weights  # noqa: E402
from knowledge_base.abbreviations import expand  # noqa: E402
from knowledge_base.evaluation import Question  # noqa: E402
from knowledge_base.hubness import Background, reference_texts  # noqa: E402
from knowledge_base.ranking import POOL, FusionConfig, HybridIndex, key_texts, passage_texts  # noqa: E402
from knowledge_base.text import has_content  # noqa: E402
from knowledge_base.validation import EntryData  # noqa: E402

Weights = npt.NDArray[np.float64]
Fitter = Callable[[list[QueryCandidates]], Weights]
ONE = np.ones(1)


def auc(positive: list[float], negative: list[tuple[float, float]]) -> float:
    """Weighted AUC: chance that a positive scores above a negative (ties count half)."""
    if not positive or not negative:
        return float("nan")
    neg = np.array([s for s, _ in negative])
    weights = np.array([w for _, w in negative])
    total = 0.0
    for score in positive:
        total += float(weights[neg < score].sum() + 0.5 * weights[neg == score].sum())
    return total / (len(positive) * float(weights.sum()))


def figures(scored: list[tuple[QueryCandidates, Weights, float]]) -> dict[str, float]:
    """``scored``: (candidates, weights, weight of the question for the separation)."""
    ranks: list[int | None] = []
    right: list[tuple[float, float]] = []
    wrong: list[tuple[float, float]] = []
    outside: list[tuple[float, float]] = []
    for item, weights, weight in scored:
        if not item.ids:
            score = -np.inf
            order: list[str] = []
        else:
            scores = item.features @ weights
            sequence = sorted(range(len(item.ids)), key=lambda i: (-scores[i], item.ids[i]))
            order = [item.ids[i] for i in sequence]
            score = float(scores[sequence[0]])
        expected = item.question.expected
        if expected is not None:
            rank = order.index(expected) + 1 if expected in order else None
            ranks.append(rank)
            (right if rank == 1 else wrong).append((score, 1.0))
        else:
            outside.append((score, weight))
    n = max(1, len(ranks))
    positive = [s for s, _ in right]
    return {"in_scope": len(ranks), "top1": sum(r == 1 for r in ranks) / n,
            "top3": sum(r is not None and r <= 3 for r in ranks) / n,
            "mrr": sum(1 / r for r in ranks if r is not None) / n,
            "auc": auc(positive, wrong + outside), "auc_wrong": auc(positive, wrong),
            "auc_oos": auc(positive, outside)}


def hybrid_figures(cache: VectorCache, entries: list[EntryData], questions: list[Question], config: FusionConfig,
                   background: list[str], *, oos_weight: float = 1.0) -> list[tuple[QueryCandidates, Weights, float]]:
    """The product's own ``HybridIndex`` (hubness included), its scores as one signal per candidate."""
    hub = Background(background, cache.get("query", background), neighbours=config.hub_neighbours)
    index = HybridIndex(cache.encoder_dim, config, background=hub)
    index.put_many([(e, cache.get("query", key_texts(e)), cache.get("passage", passage_texts(e, config)))
                    for e in entries])
    out = []
    for question in questions:
        if not has_content(question.text):
            out.append((QueryCandidates(question, [], np.zeros((0, 1))), ONE, oos_weight))
            continue
        text = expand(question.text.strip())
        ranked = index.rank(text, cache.get("query", [text])[0], limit=POOL)
        item = QueryCandidates(question, [r.id for r in ranked], np.array([[r.score] for r in ranked]))
        out.append((item, ONE, 1.0 if question.expected is not None else oos_weight))
    return out


Results = dict[str, dict[str, dict[str, float]]]


def hybrid_protocols(cache: VectorCache, configs: dict[str, FusionConfig],
                     foreign_set: tuple[list[EntryData], list[Question]] | None) -> Results:
    entries, questions = shipped_entries(), shipped_questions()
    oos = [q for q in questions if q.expected is None]
    department_of = {e.id: e.department for e in entries}
    departments = sorted({e.department for e in entries})
    results: Results = {}
    for bare_others, title in ((True, "leave one department out, every entry without variants"),
                               (False, "leave one department out, the other departments with their variants")):
        rows = {}
        for name, config in configs.items():
            scored = []
            for held in departments:
                index_entries = [without_variants(e) if bare_others or e.department == held else e for e in entries]
                asked = [q for q in questions if q.expected is not None and department_of[q.expected] == held] + oos
                scored += hybrid_figures(cache, index_entries, asked, config,
                                         reference_texts(exclude_departments=[held]), oos_weight=1 / len(departments))
            rows[name] = figures(scored)
        results[title] = rows
    results["shipped FAQ as shipped (variants indexed; no fitting involved)"] = {
        name: figures(hybrid_figures(cache, entries, questions, config, reference_texts()))
        for name, config in configs.items()}
    if foreign_set is not None:
        results["foreign FAQ (fiches, no variants)"] = {
            name: figures(hybrid_figures(cache, foreign_set[0], foreign_set[1], config, reference_texts()))
            for name, config in configs.items()}
    return results


def training_set(entries: list[EntryData], cache: VectorCache) -> list[QueryCandidates]:
    """Each variant asked against the entries indexed without variants."""
    index = FeatureIndex([without_variants(e) for e in entries], cache)
    return [index.candidates(Question(text=v, expected=e.id), cache) for e in entries for v in e.variants]


def lodo(cache: VectorCache, fitters: dict[str, Fitter | None], *, others_bare: bool) -> dict[str, dict[str, float]]:
    entries = shipped_entries()
    questions = shipped_questions()
    oos = [q for q in questions if q.expected is None]
    department_of = {e.id: e.department for e in entries}
    departments = sorted({e.department for e in entries})
    scored: dict[str, list[tuple[QueryCandidates, Weights, float]]] = {name: [] for name in fitters}
    for held in departments:
        index = FeatureIndex([without_variants(e) if e.department == held or others_bare else e
                              for e in entries], cache)
        asked = [index.candidates(q, cache) for q in questions
                 if q.expected is not None and department_of[q.expected] == held]
        asked += [index.candidates(q, cache) for q in oos]
        train = None
        for name, fitter in fitters.items():
            if fitter is None:
                weights = TODAY
            else:
                if train is None:
                    train = training_set([e for e in entries if e.department != held], cache)
                weights = fitter(train)
            scored[name] += [(item, weights, 1.0 / len(departments)) for item in asked]
    return {name: figures(items) for name, items in scored.items()}


def foreign(cache: VectorCache, fitters: dict[str, Fitter | None], fiches: Path, ids: list[str],
            questions_path: Path) -> dict[str, dict[str, float]]:
    index = FeatureIndex(foreign_entries(fiches, ids), cache)
    asked = [index.candidates(q, cache) for q in foreign_questions(questions_path)]
    train = None
    out = {}
    for name, fitter in fitters.items():
        if fitter is None:
            weights = TODAY
        else:
            if train is None:
                train = training_set(shipped_entries(), cache)
            weights = fitter(train)
        out[name] = figures([(item, weights, 1.0) for item in asked])
    return out


def table(results: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    lines = []
    for protocol, rows in results.items():
        lines += ["", f"**{protocol}**", "",
                  "| ranking | in scope | top-1 | top-3 | MRR | AUC top score | vs wrong top-1 | vs out of scope |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for name, f in rows.items():
            lines.append(f"| {name} | {f['in_scope']} | {f['top1'] * 100:.1f}% | {f['top3'] * 100:.1f}% | "
                         f"{f['mrr']:.3f} | {f['auc']:.3f} | {f['auc_wrong']:.3f} | {f['auc_oos']:.3f} |")
    return lines


def main() -> int:
    from guichet.settings import Settings
    from knowledge_base.encoder import SentenceTransformerEncoder

    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=Settings().resolved_embedding_model)
    parser.add_argument("--fiches", default="/work/fiches/package/data/particuliers")
    parser.add_argument("--foreign-ids", default="/work/fiches/foreign1_ids.json")
    parser.add_argument("--foreign-questions", default=None)
    parser.add_argument("--skip-fitted-fusion", action="store_true")
    args = parser.parse_args()
    encoder = SentenceTransformerEncoder(Path(args.model))
    cache = VectorCache(encoder, ROOT / "var" / "bench-cache" / f"{encoder.name.replace('/', '_')}.npz")
    foreign_set = None
    if args.foreign_questions:
        ids = json.loads(Path(args.foreign_ids).read_text(encoding="utf-8"))
        foreign_set = (foreign_entries(Path(args.fiches), ids), foreign_questions(Path(args.foreign_questions)))
    try:
        results = hybrid_protocols(cache, {"today (no hubness penalty)": FusionConfig(hub_weight=0.0),
                                           "hubness penalty (adopted)": FusionConfig()}, foreign_set)
        fitted: dict[str, dict[str, dict[str, float]]] = {}
        if not args.skip_fitted_fusion:
            fitters: dict[str, Fitter | None] = {"today's weights": None, "fitted linear fusion": fit_weights}
            fitted["leave one department out, every entry without variants"] = lodo(cache, fitters, others_bare=True)
            if foreign_set is not None:
                ids = json.loads(Path(args.foreign_ids).read_text(encoding="utf-8"))
                fitted["foreign FAQ (fiches, no variants)"] = foreign(cache, fitters, Path(args.fiches), ids,
                                                                      Path(args.foreign_questions))
    finally:
        cache.save()
    print(f"model {encoder.name}")
    print("\n".join(table(results)))
    if fitted:
        print(f"\nFitted linear fusion of {', '.join(SIGNALS)} (without the hubness penalty):")
        print("\n".join(table(fitted)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
