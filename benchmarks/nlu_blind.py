"""Intents on a blind evaluation set: macro F1, per-intent F1, confusion matrix and parse latency.

Run: ``.venv/bin/python -m benchmarks.nlu_blind [--set tests/bot/nlu_blind_1.yml]``. Parses every message
with the trained model for the current data (``ensure_model``; trains it first if the data changed) in
.venv-rasa (bot/nlu_parse.py), counts ``nlu_fallback`` as ``ask_question`` (the fallback hands the
message to the FAQ search, which is where a question goes), and writes the figures to the NLU section
of docs/benchmarks.md, one sub-section per set file (a rerun replaces only its own set's figures).
``--development`` titles it as a development set: a set written blind whose errors have since been read.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from benchmarks.report import DOCS, header, summary, table
from guichet.settings import PROJECT_ROOT, Settings
from handoff_api.rasa_model import ensure_model, rasa_environment, rasa_executable

FALLBACK = "nlu_fallback"
FALLBACK_AS = "ask_question"
ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")
SECTION = DOCS / "benchmarks-nlu.md"
DEVELOPMENT_NOTE = ("Written blind, then measured and its errors read to choose examples and settings: a development "
                    "set, whose figures are optimistic.\n")
TITLE = "# Intents on blind evaluation sets\n"


@dataclass(frozen=True)
class Scores:
    labels: list[str]
    f1: dict[str, float]
    macro_f1: float
    accuracy: float
    confusion: dict[str, Counter[str]]
    fallbacks: int
    confident_errors: int  # wrong intent with confidence >= 0.9: the fallback could not catch them


def load_set(path: Path) -> list[tuple[str, str]]:
    """(text, intent) pairs of a Rasa NLU YAML file; entity annotations are reduced to their text."""
    document = yaml.safe_load(path.read_text())
    pairs = []
    for block in document.get("nlu", []):
        if "intent" not in block:
            continue
        for line in str(block["examples"]).splitlines():
            line = line.strip()
            if line.startswith("- "):
                text = ANNOTATION.sub(lambda m: m.group(1) or m.group(2) or "", line[2:].strip())
                pairs.append((text, str(block["intent"])))
    if not pairs:
        raise ValueError(f"--set {path}: no intent examples found")
    return pairs


def run_rasa_script(script: str, model: Path, texts: list[str], settings: Settings) -> list[dict[str, Any]]:
    """``bot/<script>`` run in .venv-rasa on ``texts`` with ``model``: the JSON list it writes."""
    python = rasa_executable(settings).with_name("python")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.json"
        result = subprocess.run([str(python), str(PROJECT_ROOT / "bot" / script), str(model), str(out)],
                                input=json.dumps(texts), capture_output=True, text=True, cwd=PROJECT_ROOT,
                                env=rasa_environment(), check=False, timeout=1800)
        if result.returncode != 0 or not out.exists():
            raise RuntimeError(f"bot/{script} {model} failed ({result.returncode}): {result.stderr[-3000:]}")
        parsed: list[dict[str, Any]] = json.loads(out.read_text())
    return parsed


def parse(model: Path, texts: list[str], settings: Settings) -> list[dict[str, Any]]:
    return run_rasa_script("nlu_parse.py", model, texts, settings)


def predicted(parse_result: dict[str, Any]) -> str:
    intent = str(parse_result["intent"])
    return FALLBACK_AS if intent == FALLBACK else intent


def score(gold: list[str], parses: list[dict[str, Any]]) -> Scores:
    labels = sorted(set(gold))
    guesses = [predicted(item) for item in parses]
    confusion: dict[str, Counter[str]] = {label: Counter() for label in labels}
    for truth, guess in zip(gold, guesses, strict=True):
        confusion[truth][guess] += 1
    f1 = {}
    for label in labels:
        hits = confusion[label][label]
        claimed = sum(row[label] for row in confusion.values())
        precision = hits / claimed if claimed else 0.0
        recall = hits / sum(confusion[label].values())
        f1[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    right = sum(confusion[label][label] for label in labels)
    confident = sum(1 for truth, guess, item in zip(gold, guesses, parses, strict=True)
                    if truth != guess and item["confidence"] >= 0.9)
    return Scores(labels=labels, f1=f1, macro_f1=sum(f1.values()) / len(labels), accuracy=right / len(gold),
                  confusion=confusion, fallbacks=sum(1 for item in parses if item["intent"] == FALLBACK),
                  confident_errors=confident)


def render(set_path: Path, scores: Scores, parses: list[dict[str, Any]], model: Path, command: str,
           *, development: bool = False) -> str:
    columns = sorted({guess for row in scores.confusion.values() for guess in row} | set(scores.labels))
    title = f"Development set `{set_path.name}`" if development else f"Blind set `{set_path.name}`"
    lines = [header(title, command).replace("## ", "### ", 1),
             *([DEVELOPMENT_NOTE] if development else []),
             f"Model: `{model.name}`. {sum(sum(r.values()) for r in scores.confusion.values())} messages; "
             f"`{FALLBACK}` ({scores.fallbacks} messages) counted as `{FALLBACK_AS}`.\n",
             f"**Macro F1 {scores.macro_f1:.3f}**, accuracy {scores.accuracy:.3f}, lowest intent "
             f"{min(scores.f1.values()):.3f}; {scores.confident_errors} errors with confidence >= 0.9.\n",
             table(["intent", "F1", "right / messages"],
                   [(label, f"{scores.f1[label]:.3f}",
                     f"{scores.confusion[label][label]} / {sum(scores.confusion[label].values())}")
                    for label in scores.labels]),
             "Confusion (rows: written intent, columns: predicted):\n",
             table(["written \\ predicted", *columns],
                   [(label, *(scores.confusion[label][c] or "." for c in columns)) for label in scores.labels])]
    wall, cpu = summary([item["ms"] for item in parses]), summary([item["cpu_ms"] for item in parses])
    lines.append(f"Parse latency in process (`Agent.parse_message`, one message at a time, {len(parses)} parses; "
                 f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end): wall p50 "
                 f"{wall['p50']:.1f} ms, p95 {wall['p95']:.1f} ms, p99 {wall['p99']:.1f} ms; CPU time p50 "
                 f"{cpu['p50']:.1f} ms, p95 {cpu['p95']:.1f} ms, p99 {cpu['p99']:.1f} ms.\n")
    return "\n".join(lines)


def write(text: str) -> None:
    """Put ``text`` (one ### sub-section) in the NLU section in place of the sub-section of the same title."""
    from benchmarks.run_all import gather

    parts: dict[str, str] = {}
    if SECTION.exists():
        for chunk in SECTION.read_text().split("\n### ")[1:]:
            parts[chunk.split("\n", 1)[0]] = "### " + chunk.rstrip() + "\n"
    title = text.split("\n", 1)[0].removeprefix("### ")
    parts[title] = text.rstrip() + "\n"
    SECTION.write_text(TITLE + "".join("\n" + parts[name] for name in sorted(parts)))
    gather()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", type=Path, default=PROJECT_ROOT / "tests" / "bot" / "nlu_blind_1.yml")
    parser.add_argument("--model", type=Path, help="a trained model (default: the one for the current data)")
    parser.add_argument("--no-write", action="store_true", help="print the figures, leave docs/ unchanged")
    parser.add_argument("--dump", type=Path, help="also write every parse with its written intent (JSON)")
    parser.add_argument("--development", action="store_true",
                        help="the set's errors have been read (a development set): say so in the title")
    args = parser.parse_args()
    settings = Settings(_env_file=None)
    pairs = load_set(args.set)
    model = args.model or ensure_model(settings)
    parses = parse(model, [text for text, _ in pairs], settings)
    scores = score([intent for _, intent in pairs], parses)
    flag = " --development" if args.development else ""
    text = render(args.set, scores, parses, model,
                  f".venv/bin/python -m benchmarks.nlu_blind --set {args.set.name}{flag}", development=args.development)
    print(text)
    if args.dump:
        rows = [{**item, "written": intent} for item, (_, intent) in zip(parses, pairs, strict=True)]
        args.dump.write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    if not args.no_write:
        write(text)


if __name__ == "__main__":
    main()
