"""Signals of the shipped FAQ's eval questions from cached vectors, and the decision fitted on them.

    .venv/bin/python benchmarks/kb_decision_fit.py [--hub-weight W]

The same ranking and off-topic similarity as ``KnowledgeBase.analyse`` (a ``HybridIndex`` with the
reference questions, the off-topic examples), on vectors kept in var/bench-cache, so that a change of
ranking can refit ``DEFAULT_THRESHOLDS`` (as ``guichet kb calibrate`` does) in seconds; prints the
fitted thresholds, their figures, and the 5-fold cross-validated figures.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.ranking_data import VectorCache, shipped_entries, shipped_questions  # noqa: E402
from knowledge_base import calibration, evaluation  # noqa: E402
from knowledge_base.abbreviations import expand  # noqa: E402
from knowledge_base.decision import DEFAULT_THRESHOLDS, Signals, signals  # noqa: E402
from knowledge_base.hubness import Background, reference_texts  # noqa: E402
from knowledge_base.off_topic import OffTopic, off_topic_texts  # noqa: E402
from knowledge_base.ranking import FusionConfig, HybridIndex, Ranked, key_texts, passage_texts  # noqa: E402


def main() -> int:
    from guichet.settings import Settings
    from knowledge_base.encoder import SentenceTransformerEncoder

    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=Settings().resolved_embedding_model)
    parser.add_argument("--hub-weight", type=float, default=FusionConfig().hub_weight)
    args = parser.parse_args()
    encoder = SentenceTransformerEncoder(Path(args.model))
    cache = VectorCache(encoder, ROOT / "var" / "bench-cache" / f"{encoder.name.replace('/', '_')}.npz")
    config = FusionConfig(hub_weight=args.hub_weight)
    texts = reference_texts()
    index = HybridIndex(encoder.dim, config,
                        background=Background(texts, cache.get("query", texts), neighbours=config.hub_neighbours))
    index.put_many([(e, cache.get("query", key_texts(e)), cache.get("passage", passage_texts(e, config)))
                    for e in shipped_entries()])
    off_topic = OffTopic(cache.get("query", off_topic_texts()))

    def analyse(text: str) -> tuple[list[Ranked], Signals | None]:
        expanded = expand(text)
        vector = cache.get("query", [expanded])[0]
        ranked = index.rank(expanded, vector)
        return ranked, signals(ranked, off_topic=off_topic.similarity(vector))

    outcomes = evaluation.run_questions(analyse, shipped_questions())
    cache.save()
    thresholds = calibration.fit_thresholds(outcomes)
    print(f"encoder {encoder.name}, hub weight {args.hub_weight}")
    print("fitted:", json.dumps({k: round(v, 6) for k, v in thresholds.as_dict().items()}))
    for title, decided in (("shipped DEFAULT_THRESHOLDS", evaluation.decisions_for(outcomes, DEFAULT_THRESHOLDS)),
                           ("fitted thresholds (on these questions)", evaluation.decisions_for(outcomes, thresholds)),
                           ("5-fold cross-validation", calibration.cross_validate(outcomes, k=5))):
        print("\n".join(evaluation.report_lines(evaluation.metrics(outcomes, decided), title)))
    print("top scores: mean", float(np.mean([o.signals.top for o in outcomes if o.signals])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
