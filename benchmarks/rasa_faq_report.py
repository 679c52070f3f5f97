"""The Rasa baseline's figures and report: decisions from the ResponseSelector's confidence, and the
side-by-side tables with Guichet's figures from the same run."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from benchmarks.report import header, summary, table
from knowledge_base.evaluation import Question

if TYPE_CHECKING:
    from benchmarks.guichet_side import GuichetSide
    from benchmarks.rasa_faq_baseline import Training
    from benchmarks.rasa_faq_data import FaqEntry

TARGET_PRECISION = 0.95


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


def pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def load_text(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def ranking(inside: list[Parsed]) -> list[str]:
    """Top-1, top-3 and MRR of the ResponseSelector's ranking, formatted."""
    ranks = [p.rank for p in inside]
    return [pct(sum(r == 1 for r in ranks) / len(inside)),
            pct(sum(r is not None and r <= 3 for r in ranks) / len(inside)),
            f"{sum(1 / r for r in ranks if r is not None) / len(inside):.3f}"]


def side_by_side(rasa_ranking: list[str], rasa_decisions: list[tuple[str, dict[str, float]]], guichet: GuichetSide,
                 trainings: list[Training], swaps: dict[str, float]) -> str:
    """Guichet and Rasa on the same questions and the same edits, measured in this one run."""
    rows: list[list[object]] = [
        [f"Guichet: {name}", pct(m["top1"]), pct(m["top3"]), f"{m['mrr']:.3f}", pct(m["answered_correct"]),
         pct(m["answer_precision"]), pct(m["oos_answered"])] for name, m in guichet.methods]
    for name, m in rasa_decisions:
        rows.append([f"Rasa ResponseSelector, {name}", *rasa_ranking, pct(m["coverage"]), pct(m["precision_all"]),
                     pct(m["oos_answered"])])
    text = "### Side by side, this run\n\n"
    text += table(["method", "top-1", "top-3", "MRR", "in scope answered automatically and correctly",
                   "precision of automatic answers (in + out of scope)", "out of scope answered"], rows)
    text += ("\nGuichet's decisions are cross-validated too (thresholds fitted without the question, 5 folds); "
             "besides answering it can offer choices, which these columns do not count.\n\n")
    by_label = {t.label: t for t in trainings}
    edits: list[list[object]] = []
    for edit in guichet.edits:
        training, swap = by_label.get(edit.label), swaps.get(edit.label, 0.0)
        rasa = (f"{training.seconds + swap:.0f} s (`rasa train` {training.seconds:.0f} s, `PUT /model` {swap:.0f} s)"
                if training else "-")
        edits.append([edit.label, f"{edit.seconds * 1000:.0f} ms", rasa, edit.check])
    text += "A change by an editor, until the next citizen message gets it:\n\n"
    text += table(["change", "Guichet: entry re-indexed", "Rasa: retrain and model swap", "Guichet check"], edits)
    return text + "\n"


def render(entries: list[FaqEntry], dropped: int, parsed: list[Parsed], trainings: list[Training],
           startup: float, swaps: dict[str, float], checks: list[list[object]], loads: tuple[tuple[float, float,
           float], tuple[float, float, float]], guichet: GuichetSide) -> str:
    inside = [p for p in parsed if p.question.expected is not None]
    outside = [p for p in parsed if p.question.expected is None]
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
    rasa_ranking = ranking(inside)
    text += side_by_side(rasa_ranking, [("threshold cross-validated", crossed),
                                        ("no threshold (a default FAQ bot)", default)], guichet, trainings, swaps)
    text += f"### Ranking and decisions ({len(inside)} in-scope, {len(outside)} out-of-scope questions)\n\n"
    labels = ("top-1 accuracy (in scope)", "top-3 accuracy (in scope)", "MRR (in scope, ranks 1-10)")
    rows: list[list[object]] = [[label, value] for label, value in zip(labels, rasa_ranking, strict=True)]
    rows += [
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
