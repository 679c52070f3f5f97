"""Blend weight and fallback thresholds replayed over several retrainings: macro F1 mean and spread per setting.

Run: ``.venv/bin/python -m benchmarks.nlu_blend_sweep [--set tests/bot/nlu_holdout.yml] [--seeds 42 7 123]``.
For each seed, an NLU-only model of the current data and bot/config.yml with DIET's ``random_seed`` set to it
is trained once (var/rasa-models/seeds/, a few minutes each) and parsed by bot/nlu_components.py, which keeps
DIET's ranking and the e5 regression's probabilities apart. Every setting (blend weight, fallback threshold,
ambiguity threshold) is then replayed on those parses as bot/e5_intent_blender.py and the FallbackClassifier
would decide (``nlu_fallback`` counted as ``ask_question``, as in benchmarks.nlu_blind). A seed stands for
any retraining: DIET moves from one to the next, and a setting that holds over seeds holds over small data
changes. bot/config.yml's setting is chosen on the held-out split this way, never on a blind set;
``--setting W,T,A`` prints only those settings (e.g. to show the spread of two settings on a dev set).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.nlu_blind import FALLBACK, load_set, run_rasa_script, score
from guichet.settings import PROJECT_ROOT, Settings
from handoff_api.rasa_model import RasaSetupError, fingerprint, rasa_environment, rasa_executable

WEIGHTS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.6)
THRESHOLDS = (0.0, 0.3, 0.35, 0.4, 0.5)
AMBIGUITIES = (0.0, 0.05, 0.1)
SEED = re.compile(r"random_seed: *\d+")


def seed_model(settings: Settings, seed: int) -> Path:
    """An NLU-only model of the current data with DIET's random seed set to ``seed`` (trained when missing)."""
    target = settings.resolved_rasa_models_dir / "seeds" / f"nlu-{fingerprint()}-seed{seed}.tar.gz"
    if target.exists():
        return target
    config = (PROJECT_ROOT / "bot" / "config.yml").read_text()
    if len(SEED.findall(config)) != 1:
        raise RasaSetupError("bot/config.yml: expected exactly one `random_seed:` (DIET's) to vary")
    with tempfile.TemporaryDirectory() as folder:
        seeded = Path(folder) / "config.yml"
        seeded.write_text(SEED.sub(f"random_seed: {seed}", config))
        command = [str(rasa_executable(settings)), "train", "nlu", "--config", str(seeded), "--nlu",
                   str(PROJECT_ROOT / "data"), "--out", str(target.parent), "--fixed-model-name",
                   target.name.removesuffix(".tar.gz"), "--quiet"]
        print(f"Training {target.name} ...", flush=True)
        result = subprocess.run(command, cwd=PROJECT_ROOT, env=rasa_environment(), check=False)
    if result.returncode != 0 or not target.exists():
        raise RasaSetupError(f"rasa train nlu failed with exit code {result.returncode}: {' '.join(command)}")
    return target


def components(model: Path, texts: list[str], settings: Settings) -> list[dict[str, Any]]:
    return run_rasa_script("nlu_components.py", model, texts, settings)


def decide(item: dict[str, Any], *, weight: float, threshold: float, ambiguity: float) -> dict[str, Any]:
    """The intent the blender and the FallbackClassifier would give with these settings."""
    diet, regression = item["diet"], item["regression"]
    blended = sorted(((weight * diet.get(name, 0.0) + (1 - weight) * regression.get(name, 0.0), name)
                      for name in set(diet) | set(regression)), reverse=True)
    (top, name), (second, _) = blended[0], blended[1]
    if top < threshold or top - second < ambiguity:
        return {"intent": FALLBACK, "confidence": threshold}
    return {"intent": name, "confidence": top}


def setting(text: str) -> tuple[float, float, float]:
    parts = [float(part) for part in text.split(",")]
    if len(parts) != 3:
        raise argparse.ArgumentTypeError(f"--setting {text!r}: expected WEIGHT,THRESHOLD,AMBIGUITY")
    return parts[0], parts[1], parts[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", type=Path, default=PROJECT_ROOT / "tests" / "bot" / "nlu_holdout.yml")
    parser.add_argument("--seeds", type=int, nargs="+", default=[42, 7, 123])
    parser.add_argument("--setting", type=setting, action="append", help="WEIGHT,THRESHOLD,AMBIGUITY (repeatable)")
    args = parser.parse_args()
    settings = Settings(_env_file=None)
    pairs = load_set(args.set)
    gold, texts = [intent for _, intent in pairs], [text for text, _ in pairs]
    runs = [components(seed_model(settings, seed), texts, settings) for seed in args.seeds]
    grid = args.setting or [(w, t, a) for w in WEIGHTS for t in THRESHOLDS for a in AMBIGUITIES]
    print(f"{args.set.name}, {len(pairs)} messages, seeds {' '.join(map(str, args.seeds))}\n")
    print("| weight | threshold | ambiguity | macro F1 mean | macro F1 min-max | ask_question mean (min) "
          "| lowest intent (any seed) |\n|---|---|---|---|---|---|---|")
    for weight, threshold, ambiguity in grid:
        scores = [score(gold, [decide(item, weight=weight, threshold=threshold, ambiguity=ambiguity) for item in run])
                  for run in runs]
        macro = [s.macro_f1 for s in scores]
        asked = [s.f1["ask_question"] for s in scores]
        print(f"| {weight:.2f} | {threshold:.2f} | {ambiguity:.2f} | {statistics.fmean(macro):.3f} | "
              f"{min(macro):.3f}-{max(macro):.3f} | {statistics.fmean(asked):.3f} ({min(asked):.3f}) | "
              f"{min(min(s.f1.values()) for s in scores):.3f} |")


if __name__ == "__main__":
    main()
