"""Parse messages with a trained Rasa model, in process, and time each parse.

Runs in .venv-rasa: ``.venv-rasa/bin/python bot/nlu_parse.py MODEL.tar.gz PARSES.json < texts.json``.
Reads a JSON list of texts, writes to PARSES.json (stdout gets Rasa's own prints) a JSON list of
``{"text", "intent", "confidence", "ranking", "ms", "cpu_ms"}``
(the intent after the FallbackClassifier, so ``nlu_fallback`` when it fired; ``ms`` is the wall time of
``Agent.parse_message``, the whole NLU pipeline for one message; ``cpu_ms`` the CPU time the process spent
on it, which a busy shared machine does not inflate). Used by benchmarks/nlu_blind.py and
tests/handoff_api/test_rasa_model.py, so the benchmark and the test score the same parses.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from collections.abc import Callable, Coroutine
from typing import Any


async def parse_all(model: str, texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    await agent.parse_message("bonjour")  # first call builds lazy state; not timed
    results = []
    for text in texts:
        started, cpu = time.perf_counter(), time.process_time()
        parsed = await agent.parse_message(text)
        elapsed, cpu_ms = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
        ranking = [{"name": item["name"], "confidence": round(float(item["confidence"]), 4)}
                   for item in parsed.get("intent_ranking", [])[:3]]
        results.append({"text": text, "intent": parsed["intent"]["name"],
                        "confidence": round(float(parsed["intent"]["confidence"]), 4),
                        "ranking": ranking, "ms": round(elapsed, 2),
                        "cpu_ms": round(cpu_ms, 2)})
    return results


def run_script(argv: list[str], *, name: str, out_name: str,
               run: Callable[[str, list[str]], Coroutine[Any, Any, list[dict[str, Any]]]]) -> int:
    """``name MODEL.tar.gz OUT.json < texts.json``: ``run(model, texts)`` written to OUT.json as JSON."""
    if len(argv) != 2:
        print(f"usage: {name} MODEL.tar.gz {out_name} < texts.json", file=sys.stderr)
        return 2
    logging.disable(logging.WARNING)
    texts = json.load(sys.stdin)
    if not isinstance(texts, list) or not all(isinstance(text, str) for text in texts):
        print(f"{name}: stdin must be a JSON list of strings", file=sys.stderr)
        return 2
    results = asyncio.run(run(argv[0], texts))
    with open(argv[1], "w", encoding="utf-8") as out:
        json.dump(results, out, ensure_ascii=False)
    return 0


def main(argv: list[str]) -> int:
    return run_script(argv, name="nlu_parse.py", out_name="PARSES.json", run=parse_all)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
