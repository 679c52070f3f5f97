"""The trained Rasa model itself: clean data, held-out and blind NLU scores, and every test story."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from benchmarks.nlu_blind import Scores, load_set, parse, score
from guichet.settings import PROJECT_ROOT, Settings
from handoff_api.rasa_model import ensure_model, rasa_environment, rasa_executable
from testing.needs import unavailable

pytestmark = pytest.mark.rasa
BLIND_1_MACRO_F1_FLOOR = 0.97
BLIND_1_INTENT_F1_FLOOR = 0.92


@pytest.fixture(scope="module")
def rasa() -> list[str]:
    settings = Settings(_env_file=None)
    try:
        return [str(rasa_executable(settings))]
    except RuntimeError as error:
        unavailable(str(error))


@pytest.fixture(scope="module")
def model(rasa: list[str]) -> Path:
    return ensure_model(Settings(_env_file=None))


@pytest.fixture(scope="module")
def blind(model: Path) -> dict[int, Scores]:
    """Each blind set (tests/bot/nlu_blind_<n>.yml) scored, its 440 messages parsed with the others in one run of the
    model: loading it once for the five sets instead of once per set."""
    sets = {number: load_set(PROJECT_ROOT / "tests" / "bot" / f"nlu_blind_{number}.yml") for number in range(1, 6)}
    assert all(len(pairs) == 440 for pairs in sets.values()), {number: len(pairs) for number, pairs in sets.items()}
    parses = parse(model, [text for pairs in sets.values() for text, _ in pairs], Settings(_env_file=None))
    scored, start = {}, 0
    for number, pairs in sets.items():
        scored[number] = score([intent for _, intent in pairs], parses[start:start + len(pairs)])
        start += len(pairs)
    assert start == len(parses), (start, len(parses))
    return scored


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=PROJECT_ROOT, env=rasa_environment(), capture_output=True, text=True,
                          check=False, timeout=900)


def test_training_data_is_valid(rasa: list[str]) -> None:
    result = run([*rasa, "data", "validate", "--config", "bot/config.yml", "--domain", "bot/domain.yml",
                  "--data", "data", "--fail-on-warnings"])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_held_out_intents(rasa: list[str], model: Path, tmp_path: Path) -> None:
    result = run([*rasa, "test", "nlu", "--model", str(model), "--domain", "bot/domain.yml",
                  "--nlu", "tests/bot/nlu_holdout.yml", "--out", str(tmp_path), "--no-plot"])
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads((tmp_path / "intent_report.json").read_text())
    scores = {name: value["f1-score"] for name, value in report.items()
              if isinstance(value, dict) and "avg" not in name and name != "accuracy"}
    required = {"greet", "goodbye", "thank", "affirm", "deny", "ask_question", "request_human", "report_problem",
                "check_status", "insult", "bot_challenge"}
    assert required <= set(scores)
    # measured 0.947 (lowest 0.872) before the second round of kinds, 0.969 (lowest 0.900) after
    assert report["macro avg"]["f1-score"] >= 0.96, scores
    assert min(scores.values()) >= 0.89, scores


def test_blind_set_1_intents(blind: dict[int, Scores]) -> None:
    """tests/bot/nlu_blind_1.yml, written without seeing the training data and frozen before any change to it.

    Measured 0.890 macro F1 before the e5 features and the category-built examples, 0.967 (lowest intent
    0.886) after, 0.982 (lowest 0.920) after the second round of kinds, 0.989 (lowest 0.962) with the third round
    and the blend chosen over retrainings (0.982-0.984, lowest 0.940-0.962 over DIET seeds 42, 7, 123;
    docs/nlu-blind.md); the floors guard that figure, a little below the worst seed.
    """
    scores = blind[1]
    assert len(scores.labels) == 11
    assert scores.macro_f1 >= BLIND_1_MACRO_F1_FLOOR, scores.f1
    assert min(scores.f1.values()) >= BLIND_1_INTENT_F1_FLOOR, scores.f1


def test_blind_set_2_intents(blind: dict[int, Scores]) -> None:
    """tests/bot/nlu_blind_2.yml, written the same way and measured once at the end of the first round: macro F1
    0.931, lowest intent 0.813 (ask_question; the issue asks 0.85). A dev set since: 0.958, lowest 0.857 after
    the second round of kinds, 0.980, lowest 0.951 with the third (0.975-0.982, lowest 0.950-0.963 over DIET
    seeds 42, 7, 123; docs/nlu-blind.md). The floors guard that figure, a little below the worst seed."""
    scores = blind[2]
    assert len(scores.labels) == 11
    assert scores.macro_f1 >= 0.96, scores.f1
    assert min(scores.f1.values()) >= 0.92, scores.f1


def test_blind_set_3_intents(blind: dict[int, Scores]) -> None:
    """tests/bot/nlu_blind_3.yml, written the same way before the second round's changes were merged and
    measured once on them (docs/nlu-blind.md): macro F1 0.955, lowest intent 0.829 (ask_question; the issue asks
    0.85: missed). A dev set since: 0.973, lowest 0.914 with the third round of kinds and the blend chosen over
    retrainings (0.972-0.984, lowest 0.937-0.951 over DIET seeds 42, 7, 123; docs/nlu-blind.md). The floors
    guard that figure, a little below the worst retraining."""
    scores = blind[3]
    assert len(scores.labels) == 11
    assert scores.macro_f1 >= 0.96, scores.f1
    assert min(scores.f1.values()) >= 0.89, scores.f1


def test_blind_set_4_intents(blind: dict[int, Scores]) -> None:
    """tests/bot/nlu_blind_4.yml, written the same way (440 messages, 40 per intent, by a writer who saw only the
    intents' descriptions), frozen before the third round's changes were merged and measured once on them at
    7644ea9 (docs/benchmarks-nlu.md): macro F1 0.976, lowest intent ask_question 0.940 (the issue asks 0.93 and
    0.85). The floors guard that figure with the spread seen between retrainings on the other sets."""
    scores = blind[4]
    assert len(scores.labels) == 11
    assert scores.macro_f1 >= 0.96, scores.f1
    assert min(scores.f1.values()) >= 0.90, scores.f1


def test_blind_set_5_intents(blind: dict[int, Scores]) -> None:
    """tests/bot/nlu_blind_5.yml, written the same way (440 messages, 40 per intent, from the intents' descriptions),
    frozen before the fourth round of kinds (situations that are questions) and measured before it and once per
    variant of it (docs/nlu-blind.md, last section): macro F1 0.975 before, 0.982 after, lowest intent 0.947. The
    floors guard that figure with the spread seen between retrainings and machines on the other sets."""
    scores = blind[5]
    assert len(scores.labels) == 11
    assert scores.macro_f1 >= 0.965, scores.f1
    assert min(scores.f1.values()) >= 0.90, scores.f1


def test_every_story_passes(rasa: list[str], model: Path, tmp_path: Path) -> None:
    result = run([*rasa, "test", "core", "--e2e", "--model", str(model), "--stories", "tests/bot/test_stories.yml",
                  "--out", str(tmp_path), "--fail-on-prediction-errors", "--no-plot"])
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    failed = (tmp_path / "failed_test_stories.yml").read_text() if (tmp_path / "failed_test_stories.yml").exists() \
        else ""
    assert "story:" not in failed, failed[:3000]
