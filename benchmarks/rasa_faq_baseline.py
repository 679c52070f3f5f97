"""Baseline: Rasa's own FAQ approach (retrieval intent + ResponseSelector) on Guichet's labelled questions.

Generates a Rasa 3.6 project from knowledge_base/faq in a temp folder (see ``benchmarks.rasa_faq_data``),
trains it with ``.venv-rasa/bin/rasa train`` (timed), serves it with ``rasa run --enable-api`` on a free
loopback port, sends every question of knowledge_base/eval to ``POST /model/parse`` and computes the same
figures as ``guichet kb eval``. Then times what an editor's change costs: a retrain after one answer's
text changed and after one new variant, the model swap (``PUT /model``) and checks that the bot answers
with the new text. Guichet's figures for the same questions and the same two edits are measured first, in
the same run (``benchmarks.guichet_side``), for the side-by-side tables.

Run: ``.venv/bin/python -m benchmarks.rasa_faq_baseline [--keep FOLDER]`` (about 45 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.guichet_side import measure
from benchmarks.rasa_faq_data import load_faq, sub_intent, with_answer, with_variant, write_project
from benchmarks.rasa_faq_report import Parsed, render
from benchmarks.report import write_section
from knowledge_base.evaluation import Question, load_questions
from testing.live import free_port

ROOT = Path(__file__).resolve().parent.parent
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
EVAL_PATH = ROOT / "knowledge_base" / "eval"
CHANGED_ENTRY = "piscines-horaires"
CHANGED_ANSWER = ("Nouveaux horaires des piscines dès lundi : 7h-21h en semaine, 9h-19h le week-end. "
                  "Détail par bassin sur notre page.")
NEW_VARIANT = "à quelle heure je peux aller nager le soir"


def rasa_env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"RASA_TELEMETRY_ENABLED": "false", "RASA_CACHE_DIRECTORY": str(folder / ".rasa" / "cache"),
                "TF_CPP_MIN_LOG_LEVEL": "2", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    return env


# ---------------------------------------------------------------- training


@dataclass
class Training:
    label: str
    seconds: float
    model: Path
    trained: list[str]
    restored: list[str]
    load_before: float
    load_after: float
    fit: str  # accuracy on the training examples at the last epoch, from the log


def train(folder: Path, name: str, label: str) -> Training:
    load_before = os.getloadavg()[0]
    log = folder / f"train-{name}.log"
    command = [str(RASA), "train", "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
               "--out", "models", "--fixed-model-name", name]
    started = time.perf_counter()
    with log.open("w") as out:
        result = subprocess.run(command, cwd=folder, env=rasa_env(folder), stdout=out, stderr=subprocess.STDOUT,
                                check=False)
    seconds = time.perf_counter() - started
    text = log.read_text(errors="replace")
    model = folder / "models" / f"{name}.tar.gz"
    if result.returncode != 0 or not model.exists():
        raise RuntimeError(f"rasa train failed ({result.returncode}); see {log}:\n{text[-3000:]}")
    trained = sorted(set(re.findall(r"Finished training component '(\w+)'", text)))
    restored = sorted(set(re.findall(r"Restored component '(\w+)' from cache", text)))
    metrics = (("DIET intent", "i_acc"), ("ResponseSelector", "r_acc"))
    fit = ", ".join(f"{name} {float(found[-1]):.3f}" for name, key in metrics
                    if (found := re.findall(rf"{key}=([\d.]+)", text)))
    print(f"[train] {label}: {seconds:.1f} s, trained {trained}, restored {restored}; {fit}", flush=True)
    return Training(label, seconds, model, trained, restored, load_before, os.getloadavg()[0], fit)


# ---------------------------------------------------------------- server


@contextmanager
def rasa_server(folder: Path, model: Path) -> Iterator[tuple[str, float]]:
    """``rasa run --enable-api`` with the REST channel; yields the base URL and the seconds to ready."""
    port = free_port()
    log = (folder / "server.log").open("w")
    command = [str(RASA), "run", "--enable-api", "--model", str(model), "--port", str(port),
               "--interface", "127.0.0.1", "--credentials", "credentials.yml"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=folder, env=rasa_env(folder), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"rasa run exited with {process.returncode}; see {folder / 'server.log'}")
            if time.monotonic() > deadline:
                raise RuntimeError("rasa run did not load its model in 600 s")
            try:
                status = httpx.get(f"{base}/status", timeout=5)
                if status.status_code == 200 and status.json().get("model_id"):
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        yield base, time.perf_counter() - started
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def swap_model(client: httpx.Client, model: Path) -> float:
    started = time.perf_counter()
    response = client.put("/model", json={"model_file": str(model)}, timeout=600)
    response.raise_for_status()
    return time.perf_counter() - started


def bot_reply(client: httpx.Client, text: str) -> str:
    sender = f"bench-{random.randrange(10**9)}"
    replies = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60).json()
    return " ".join(str(r.get("text", "")) for r in replies)


# ---------------------------------------------------------------- evaluation


def parse(client: httpx.Client, question: Question, ids: dict[str, str]) -> Parsed:
    started = time.perf_counter()
    response = client.post("/model/parse", json={"text": question.text}, timeout=60)
    seconds = time.perf_counter() - started
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    selector = body.get("response_selector", {}).get("faq", {})
    ranking = selector.get("ranking") or []
    chosen = selector.get("response") or {}
    texts = chosen.get("responses") or [{}]
    intent = body.get("intent") or {}
    return Parsed(question=question, intent=str(intent.get("name")), intent_confidence=float(intent.get("confidence")
                  or 0.0), ranked=[ids.get(r["intent_response_key"], r["intent_response_key"]) for r in ranking],
                  confidence=float(chosen.get("confidence") or 0.0), response_text=str(texts[0].get("text", "")),
                  seconds=seconds)


# ---------------------------------------------------------------- main


def main() -> int:
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("--keep", help="work in this folder and keep it (default: a temp folder, removed)")
    args = arguments.parse_args()
    load_start = os.getloadavg()
    entries = load_faq()
    ids = {sub_intent(e.id): e.id for e in entries}
    if CHANGED_ENTRY not in {e.id for e in entries}:
        raise SystemExit(f"{CHANGED_ENTRY} is not in the FAQ")
    questions = load_questions(EVAL_PATH)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="rasa-faq-"))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in (folder / ".rasa", folder / "models"):  # the first training must start from an empty cache
        shutil.rmtree(stale, ignore_errors=True)
    print(f"[setup] {len(entries)} entries, {len(questions)} questions, project in {folder}", flush=True)
    guichet = measure(questions, entry_id=CHANGED_ENTRY, new_answer=CHANGED_ANSWER, new_variant=NEW_VARIANT)
    print(f"[guichet] {guichet}", flush=True)
    try:
        dropped = write_project(folder, entries)
        trainings = [train(folder, "base", "first training (empty cache)")]
        trainings.append(train(folder, "unchanged", "retrain, nothing changed"))
        swaps: dict[str, float] = {}
        checks: list[list[object]] = []
        question_text = next(e.question for e in entries if e.id == CHANGED_ENTRY)
        with rasa_server(folder, trainings[0].model) as (base, startup), httpx.Client(base_url=base) as client:
            print(f"[serve] ready in {startup:.1f} s at {base}", flush=True)
            parse(client, Question(text="bonjour"), ids)  # warm-up, not counted
            parsed = []
            for n, question in enumerate(questions, 1):
                parsed.append(parse(client, question, ids))
                if n % 100 == 0:
                    print(f"[eval] {n}/{len(questions)}", flush=True)
            before = parse(client, Question(text=NEW_VARIANT, expected=CHANGED_ENTRY), ids)

            entries_changed = with_answer(entries, CHANGED_ENTRY, CHANGED_ANSWER)
            write_project(folder, entries_changed)
            changed = train(folder, "answer", f"one answer's text changed ({CHANGED_ENTRY})")
            trainings.append(changed)
            swaps[changed.label] = swap_model(client, changed.model)
            reply = bot_reply(client, question_text)
            selector_text = parse(client, Question(text=question_text), ids).response_text
            checks.append([changed.label, question_text,
                           f"bot reply (REST channel, domain response) has the new text: "
                           f"{'yes' if reply.strip() == CHANGED_ANSWER else 'NO'}; "
                           f"`/model/parse` response text (stored in the ResponseSelector) has the new text: "
                           f"{'yes' if selector_text.strip() == CHANGED_ANSWER else 'NO'}"])

            write_project(folder, with_variant(entries_changed, CHANGED_ENTRY, NEW_VARIANT))
            variant = train(folder, "variant", f"one variant added ({CHANGED_ENTRY})")
            trainings.append(variant)
            swaps[variant.label] = swap_model(client, variant.model)
            after = parse(client, Question(text=NEW_VARIANT, expected=CHANGED_ENTRY), ids)
            checks.append([variant.label, NEW_VARIANT,
                           f"top-1 before: {before.ranked[0] if before.ranked else '-'} ({before.confidence:.2f}); "
                           f"after: {after.ranked[0] if after.ranked else '-'} ({after.confidence:.2f})"])
        text = render(entries, dropped, parsed, trainings, startup, swaps, checks, (load_start, os.getloadavg()),
                      guichet)
        write_section("rasa-faq", text)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
