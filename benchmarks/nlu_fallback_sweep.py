"""Macro F1 of a labelled NLU set for each FallbackClassifier setting, from one set of parses.

Run: ``.venv/bin/python -m benchmarks.nlu_fallback_sweep PARSES.json`` where PARSES.json is written by
``benchmarks.nlu_blind --set tests/bot/nlu_holdout.yml --no-write --dump PARSES.json``. Each parse keeps its
blended ranking (bot/nlu_parse.py), so the fallback can be replayed for any threshold and ambiguity
threshold without parsing again: ``nlu_fallback`` when the top confidence is under the threshold or the
top two are closer than the ambiguity threshold (counted as ``ask_question``, as in benchmarks.nlu_blind).
One model and its blended ranking only: bot/config.yml's thresholds are now chosen with the blend weight over several
retrainings by benchmarks/nlu_blend_sweep.py, on the held-out split, never on a blind set.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from benchmarks.nlu_blind import FALLBACK, score

THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
AMBIGUITIES = (0.0, 0.05, 0.1, 0.15)


def replay(item: dict[str, Any], *, threshold: float, ambiguity: float) -> dict[str, Any]:
    """The parse as the FallbackClassifier would leave it with these settings (ranking: real intents only)."""
    ranking = [entry for entry in item["ranking"] if entry["name"] != FALLBACK]
    if len(ranking) < 2:
        raise ValueError(f"parse of {item['text']!r}: ranking {item['ranking']!r} has fewer than two intents")
    top, second = ranking[0], ranking[1]
    doubt = top["confidence"] < threshold or top["confidence"] - second["confidence"] < ambiguity
    return {"intent": FALLBACK if doubt else top["name"], "confidence": threshold if doubt else top["confidence"]}


def sweep(rows: list[dict[str, Any]]) -> list[tuple[float, float, float, float, int]]:
    """(threshold, ambiguity, macro F1, lowest intent F1, fallbacks) for every setting."""
    gold = [str(row["written"]) for row in rows]
    results = []
    for threshold in THRESHOLDS:
        for ambiguity in AMBIGUITIES:
            parses = [replay(row, threshold=threshold, ambiguity=ambiguity) for row in rows]
            scores = score(gold, parses)
            results.append((threshold, ambiguity, scores.macro_f1, min(scores.f1.values()), scores.fallbacks))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("parses", type=Path, help="JSON written by benchmarks.nlu_blind --dump")
    args = parser.parse_args()
    rows = json.loads(args.parses.read_text())
    print("| threshold | ambiguity | macro F1 | lowest intent | fallbacks |\n|---|---|---|---|---|")
    for threshold, ambiguity, macro, lowest, fallbacks in sweep(rows):
        print(f"| {threshold:.2f} | {ambiguity:.2f} | {macro:.3f} | {lowest:.3f} | {fallbacks} |")


if __name__ == "__main__":
    main()
