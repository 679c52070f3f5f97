"""Baseline: Rasa's own FAQ approach (retrieval intent + ResponseSelector) on Guichet's labelled questions.

Generates a Rasa 3.6 project from knowledge_base/faq in a temp folder (see ``benchmarks.rasa_faq_data``),
trains it with ``.venv-rasa/bin/rasa train`` (timed), serves it with ``rasa run --enable-api`` on a free
loopback port, sends every question of knowledge_base/eval to ``POST /model/parse`` and computes the same
figures as ``guichet kb eval``. Then times what an editor's change costs: a retrain after one answer's
text changed and after one new variant, the model swap (``PUT /model``) and checks that the bot answers
with the new text.

Run: ``.venv/bin/python -m benchmarks.rasa_faq_baseline [--keep FOLDER]`` (about 15 minutes on 2 cores).
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

from benchmarks.rasa_faq_data import FaqEntry, load_faq, sub_intent, with_answer, with_variant, write_project
from benchmarks.report import header, summary, table, write_section
from knowledge_base.evaluation import Question, load_questions
from tests.live import free_port

ROOT = Path(__file__).resolve().parent.parent
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
EVAL_PATH = ROOT / "knowledge_base" / "eval"
TARGET_PRECISION = 0.95
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


@dataclass(frozen=True)
class Parsed:
    question: Question
    intent: str
    intent_confidence: float
    ranked: list[str]  # FAQ ids, best first (ResponseSelector ranking, 10 long)
    confidence: float  # response_selector.faq.response.confidence
    response_text: str
    seconds: float

    @property
    def rank(self) -> int | None:
        expected = self.question.expected
        return self.ranked.index(expected) + 1 if expected in self.ranked else None

    def answers(self, threshold: float) -> bool:
        """What the bot does: answer when NLU says ``faq`` (not greet / nlu_fallback) and the selector is sure."""
        return self.intent == "faq" and self.confidence >= threshold

    @property
    def correct(self) -> bool:
        return bool(self.ranked) and self.ranked[0] == self.question.expected


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


def fit_threshold(inside: list[Parsed], target: float = TARGET_PRECISION) -> float | None:
    """The lowest selector confidence whose automatic answers (in scope) are >= target precise."""
    for threshold in sorted({p.confidence for p in inside if p.intent == "faq"}):
        answered = [p for p in inside if p.answers(threshold)]
        if answered and sum(p.correct for p in answered) / len(answered) >= target:
            return threshold
    return None


def figures(inside: list[Parsed], outside: list[Parsed], decided: dict[int, bool]) -> dict[str, float]:
    answered_in = [p for p in inside if decided[id(p)]]
    answered_out = [p for p in outside if decided[id(p)]]
    correct = [p for p in answered_in if p.correct]
    answered = len(answered_in) + len(answered_out)
    return {"coverage": len(correct) / len(inside),
            "precision_in": len(correct) / len(answered_in) if answered_in else 1.0,
            "precision_all": len(correct) / answered if answered else 1.0,
            "oos_answered": len(answered_out) / len(outside) if outside else 0.0}


def cross_validated(inside: list[Parsed], outside: list[Parsed], folds: int = 5) -> tuple[dict[str, float],
                                                                                          list[float | None]]:
    """Threshold fitted on 4/5 of the in-scope questions, applied to the held-out fifth (and a fifth of OOS)."""
    order_in, order_out = list(range(len(inside))), list(range(len(outside)))
    random.Random(0).shuffle(order_in)
    random.Random(1).shuffle(order_out)
    decided: dict[int, bool] = {}
    thresholds: list[float | None] = []
    for fold in range(folds):
        held_in = {i for n, i in enumerate(order_in) if n % folds == fold}
        held_out = {i for n, i in enumerate(order_out) if n % folds == fold}
        threshold = fit_threshold([p for i, p in enumerate(inside) if i not in held_in])
        thresholds.append(threshold)
        for i in held_in:
            decided[id(inside[i])] = threshold is not None and inside[i].answers(threshold)
        for i in held_out:
            decided[id(outside[i])] = threshold is not None and outside[i].answers(threshold)
    return figures(inside, outside, decided), thresholds


# ---------------------------------------------------------------- report


def pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def load_text(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def render(entries: list[FaqEntry], dropped: int, parsed: list[Parsed], trainings: list[Training],
           startup: float, swaps: dict[str, float], checks: list[list[object]], loads: tuple[tuple[float, float,
           float], tuple[float, float, float]]) -> str:
    inside = [p for p in parsed if p.question.expected is not None]
    outside = [p for p in parsed if p.question.expected is None]
    ranks = [p.rank for p in inside]
    threshold = fit_threshold(inside)
    default = figures(inside, outside, {id(p): p.answers(0.0) for p in parsed})
    fitted = (figures(inside, outside, {id(p): p.answers(threshold) for p in parsed}) if threshold is not None
              else None)
    crossed, fold_thresholds = cross_validated(inside, outside)
    latency = summary([p.seconds for p in parsed])
    intents_in = {name: sum(p.intent == name for p in inside) for name in ("faq", "greet", "nlu_fallback")}
    intents_out = {name: sum(p.intent == name for p in outside) for name in ("faq", "greet", "nlu_fallback")}
    categories = sorted({p.question.category or "" for p in outside})
    n_examples = sum(len(e.examples) for e in entries)

    text = header("Rasa ResponseSelector baseline", "python -m benchmarks.rasa_faq_baseline")
    text += (f"\nRasa's own FAQ approach, trained from the same seed FAQ and measured on the same labelled questions "
             f"as `guichet kb eval`: one retrieval intent `faq` with {len(entries)} sub-intents "
             f"(`faq/<entry id>`), {n_examples} examples (each entry's question and variants"
             f"{f', {dropped} duplicates dropped' if dropped else ''}), one response `utter_faq/<id>` per entry, "
             f"plus `greet` (10 examples) so DIET has two intents; rule `faq -> utter_faq`; policy RulePolicy. "
             "Pipeline (offline, no pre-trained language model): WhitespaceTokenizer, CountVectorsFeaturizer "
             "(words) + CountVectorsFeaturizer (char_wb 1-4), DIETClassifier (100 epochs), ResponseSelector "
             "(retrieval_intent faq, 100 epochs), both with `constrain_similarities: true` and random_seed 42, "
             "FallbackClassifier (threshold 0.3, ambiguity 0.1): the default pipeline `rasa init` shows, less its "
             "RegexFeaturizer, LexicalSyntacticFeaturizer and EntitySynonymMapper (no entities here). Rasa 3.6.21, "
             "each question sent to `POST /model/parse` of `rasa run --enable-api`; the ranking is "
             "`response_selector.faq.ranking` (10 long, so MRR counts ranks 1-10), the confidence "
             "`response_selector.faq.response.confidence`. The bot answers automatically when the NLU intent "
             "is `faq` (not `greet`, not `nlu_fallback`) and the confidence reaches the threshold.\n\n")
    text += f"Load average (1, 5, 15 min): {load_text(loads[0])} at start, {load_text(loads[1])} at the end.\n\n"
    text += f"### Ranking and decisions ({len(inside)} in-scope, {len(outside)} out-of-scope questions)\n\n"
    rows: list[list[object]] = [
        ["top-1 accuracy (in scope)", pct(sum(r == 1 for r in ranks) / len(inside))],
        ["top-3 accuracy (in scope)", pct(sum(r is not None and r <= 3 for r in ranks) / len(inside))],
        ["MRR (in scope, ranks 1-10)", f"{sum(1 / r for r in ranks if r is not None) / len(inside):.3f}"],
        ["NLU intent of in-scope questions (faq / greet / nlu_fallback)",
         " / ".join(str(v) for v in intents_in.values())],
        ["NLU intent of out-of-scope questions (faq / greet / nlu_fallback)",
         " / ".join(str(v) for v in intents_out.values())],
    ]
    text += table(["figure", "value"], rows)
    text += "\n"
    decision_rows: list[list[object]] = [
        ["no selector threshold (what a default Rasa FAQ bot does)", "-", pct(default["coverage"]),
         pct(default["precision_in"]), pct(default["precision_all"]), pct(default["oos_answered"])]]
    if fitted is not None and threshold is not None:
        decision_rows.append([f"threshold fitted for {TARGET_PRECISION:.0%} in-scope precision, on the test "
                              "set itself (optimistic)", f"{threshold:.3f}", pct(fitted["coverage"]),
                              pct(fitted["precision_in"]), pct(fitted["precision_all"]), pct(fitted["oos_answered"])])
    else:
        decision_rows.append([f"no threshold reaches {TARGET_PRECISION:.0%} in-scope precision", "-", "-", "-", "-",
                              "-"])
    shown = ", ".join("none" if t is None else f"{t:.3f}" for t in fold_thresholds)
    decision_rows.append([f"same rule, 5-fold cross-validated (thresholds {shown})", "per fold",
                          pct(crossed["coverage"]), pct(crossed["precision_in"]), pct(crossed["precision_all"]),
                          pct(crossed["oos_answered"])])
    text += table(["decision rule", "threshold", "coverage (in scope answered automatically and correctly)",
                   "precision (in scope)", "precision (in + out of scope)", "out of scope answered"], decision_rows)
    if threshold is not None:
        per_category = [[c, sum(p.question.category == c for p in outside),
                         sum(p.question.category == c and p.answers(threshold) for p in outside)] for c in categories]
        text += (f"\nOut-of-scope questions answered automatically at the fitted threshold {threshold:.3f}, "
                 "by category:\n\n")
        text += table(["category", "questions", "answered"], per_category)
    text += (f"\n`/model/parse` latency, one question at a time ({len(parsed)} questions): "
             f"p50 {latency['p50'] * 1000:.0f} ms, p95 {latency['p95'] * 1000:.0f} ms, "
             f"mean {latency['mean'] * 1000:.0f} ms. Server start-up with the trained model: {startup:.1f} s.\n")

    first = trainings[0]
    if first.fit:
        text += (f"\nAccuracy on the training examples at the last epoch of the first training (from the "
                 f"`rasa train` log): {first.fit}.\n")
    text += "\n### Time for a change to reach citizens\n\n"
    text += ("Every run of `rasa train` below is a separate process; the \"nothing changed\" row is its "
             "fixed cost (importing Rasa and TensorFlow, reading the data, packaging the model). Rasa 3 caches "
             "each trained component under a fingerprint of its configuration and inputs "
             "(`RASA_CACHE_DIRECTORY`, here in the temp folder) and retrains only the components whose inputs "
             "changed. The new model is then loaded into the running server with `PUT /model`.\n\n")
    timing_rows: list[list[object]] = []
    for training in trainings:
        timing_rows.append([training.label, f"{training.seconds:.1f}", ", ".join(training.trained) or "none",
                            ", ".join(training.restored) or "none", f"{swaps.get(training.label, float('nan')):.1f}"
                            if training.label in swaps else "-",
                            f"{training.load_before:.1f} / {training.load_after:.1f}"])
    text += table(["change", "`rasa train` wall s", "components trained", "components restored from cache",
                   "`PUT /model` s", "load avg 1 min before / after"], timing_rows)
    text += "\nChecks after each swap:\n\n" + table(["after", "question", "result"], checks)
    text += ("\nNotes: the cross-validated row is the honest estimate of the fitted threshold; the fitted row "
             "chooses the threshold on the very questions it is scored on. Timings are wall clock on a shared "
             "machine (other processes were running: see the load averages), so they are upper bounds for an "
             "idle machine of this size.\n")
    return text


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
        text = render(entries, dropped, parsed, trainings, startup, swaps, checks, (load_start, os.getloadavg()))
        write_section("rasa-faq", text)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
