"""Two source trees measured alternately in one run: KB query p95 at 1,000 entries, end to end at 1 and 10
conversations (``--levels``: others).

Run: ``.venv/bin/python -m benchmarks.side_by_side --old /path/to/old/tree [--rounds 2] [--seconds 20]
[--levels 1,10] [--title ...] [--out docs/...]``

Each measurement is a fresh process started in the tree measured (its own modules on ``sys.path``), the trees
taking turns (old, new, old, new...) so that the load of a shared machine falls on both alike. The knowledge-base
figure is ``KnowledgeBase.search`` on the eval questions, FAQ plus synthetic entries up to 1,000 (as
benchmarks/kb_search.py does); end to end is the web chat load of benchmarks/load.py through the real stack
(Rasa, action server, application), with messages sent back to back. Writes docs/benchmarks-architecture.md.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

NEW = Path(__file__).resolve().parent.parent
TITLE = "the layout before and after the core package and the service layer"
LIMITS = {"webchat_messages_per_minute": 100_000, "webchat_address_messages_per_minute": 1_000_000,
          "webchat_conversations_per_hour": 1_000_000}


def first(*names: str) -> Any:
    """The first of ``module:attribute`` that the tree measured has (the layouts differ)."""
    for name in names:
        module, attribute = name.split(":")
        try:
            return getattr(importlib.import_module(module), attribute)
        except ImportError:
            continue
    raise ImportError(f"none of {names}")


def kb_worker(queries: int) -> dict[str, float]:
    kb_search = importlib.import_module("benchmarks.kb_search")
    settings_class = first("guichet.settings:Settings", "handoff_api.settings:Settings")
    make_engine = first("guichet.db:make_engine", "handoff_api.db:make_engine")
    make_session_factory = first("guichet.db:make_session_factory", "handoff_api.db:make_session_factory")
    upgrade = first("guichet.migrate:upgrade", "handoff_api.migrate:upgrade")
    load_knowledge_base = first("knowledge_base.loader:load_knowledge_base")
    evaluation = importlib.import_module("knowledge_base.evaluation")
    folder = Path(tempfile.mkdtemp(prefix="side-by-side-"))
    settings = settings_class(var_dir=folder, seed_faq_on_start=True, _env_file=None,
                              embedding_model=str(Path.cwd() / "var" / "models" / "multilingual-e5-small"))
    engine = make_engine(settings)
    upgrade(engine)
    knowledge_base = load_knowledge_base(settings, make_session_factory(engine))
    questions = [q.text for q in evaluation.load_questions(Path.cwd() / "knowledge_base" / "eval")]
    missing = 1000 - len(knowledge_base)
    knowledge_base.index_vectors(kb_search.jittered(knowledge_base, kb_search.synthetic_entries(missing, 1000, "syn"),
                                                    1000))
    figures: dict[str, float] = kb_search.latencies(knowledge_base, questions[:queries],
                                                    questions[queries: queries + 10])
    return {key: float(value) for key, value in figures.items()} | {"entries": float(len(knowledge_base))}


def e2e_worker(levels: list[int], seconds: float) -> dict[str, float]:
    run_load = first("benchmarks.load:run_load")
    summary = first("benchmarks.report:summary")
    stack_settings = first("testing.stack:stack_settings", "tests.e2e.conftest:stack_settings")
    stack_class = first("handoff_api.stack:Stack")
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        settings = stack_settings(Path(folder), service_token="bench-token", **LIMITS)
        stack = stack_class(settings, logs=Path(folder) / "logs")
        try:
            stack.start()
            stack.wait_healthy(timeout=900)
            asyncio.run(run_load(settings.resolved_api_url, concurrency=1, seconds=5.0, pause=0.0))  # warm up
            for level in levels:
                result = asyncio.run(run_load(settings.resolved_api_url, concurrency=level, seconds=seconds,
                                              pause=0.0))
                figures = summary(result.latencies)
                out |= {f"{level}_p50": figures["p50"] * 1000, f"{level}_p95": figures["p95"] * 1000,
                        f"{level}_rate": result.throughput, f"{level}_errors": float(len(result.errors))}
        finally:
            stack.stop()
    return out


def measure(tree: Path, part: str, args: argparse.Namespace) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", part, "--queries", str(args.queries),
               "--seconds", str(args.seconds), "--levels", args.levels]
    done = subprocess.run(command, cwd=tree, env=env, check=True, capture_output=True, text=True)
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    print(tree, part, figures, flush=True)
    return figures


def commit(tree: Path) -> str:
    return subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, check=False).stdout.strip() or "?"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", type=Path, help="the other tree (e.g. main before the change)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds of load per level")
    parser.add_argument("--levels", default="1,10", help="concurrent conversations end to end, messages back to back")
    parser.add_argument("--worker", choices=["kb", "e2e"])
    parser.add_argument("--title", default=TITLE)
    parser.add_argument("--out", type=Path, default=NEW / "docs" / "benchmarks-architecture.md")
    args = parser.parse_args()
    levels = [int(level) for level in args.levels.split(",")]
    if args.worker == "kb":
        print(json.dumps(kb_worker(args.queries)))
        return
    if args.worker == "e2e":
        print(json.dumps(e2e_worker(levels, args.seconds)))
        return
    trees = {"old": args.old.resolve(), "new": NEW}
    results: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            results[name].append(measure(tree, "kb", args) | measure(tree, "e2e", args))
    rows = [("KB search p95 ms, 1,000 entries", "p95"), ("KB search p50 ms, 1,000 entries", "p50")]
    for level in levels:
        many = f"{level} conversation" + ("s" if level > 1 else "")
        rows += [(f"end to end p95 ms, {many}", f"{level}_p95"), (f"end to end p50 ms, {many}", f"{level}_p50"),
                 (f"end to end messages/s, {many}", f"{level}_rate")]
    rows.append((f"errors ({' and '.join(map(str, levels))})", "errors"))
    lines = [f"# Benchmarks: {args.title}", "",
             f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; old tree {commit(trees['old'])}, "
             f"new tree {commit(trees['new'])} (figures measured on the tree as it was when run)",
             f"- command: `.venv/bin/python -m benchmarks.side_by_side --old {args.old} --rounds {args.rounds} "
             f"--seconds {args.seconds:g} --queries {args.queries} --levels {args.levels} --title '{args.title}' "
             f"--out {args.out.resolve().relative_to(NEW) if args.out.resolve().is_relative_to(NEW) else args.out}`",
             f"- {args.rounds} rounds, the trees taking turns; each cell is round by round", "",
             "| figure | old | new |", "|---|---|---|"]
    for label, key in rows:
        cells = []
        for name in ("old", "new"):
            values = [sum(r[f"{level}_errors"] for level in levels) if key == "errors" else r[key]
                      for r in results[name]]
            cells.append(" / ".join(f"{v:.1f}" for v in values))
        lines.append(f"| {label} | {cells[0]} | {cells[1]} |")
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
