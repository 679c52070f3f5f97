"""Replaying the FallbackClassifier on stored parses: threshold, ambiguity, and a ranking too short."""

from __future__ import annotations

import pytest

from benchmarks.nlu_fallback_sweep import replay, sweep


def row(text: str, written: str, *ranking: tuple[str, float]) -> dict[str, object]:
    return {"text": text, "written": written,
            "ranking": [{"name": name, "confidence": confidence} for name, confidence in ranking]}


def test_the_fallback_fires_under_the_threshold_or_when_the_top_two_are_close() -> None:
    sure = row("merci", "thank", ("thank", 0.7), ("greet", 0.2))
    close = row("bof", "deny", ("deny", 0.45), ("insult", 0.4))
    assert replay(sure, threshold=0.4, ambiguity=0.1)["intent"] == "thank"
    assert replay(sure, threshold=0.75, ambiguity=0.0)["intent"] == "nlu_fallback"
    assert replay(close, threshold=0.4, ambiguity=0.1)["intent"] == "nlu_fallback"
    assert replay(close, threshold=0.4, ambiguity=0.0)["intent"] == "deny"


def test_a_parse_that_already_fell_back_is_replayed_from_its_real_intents() -> None:
    fell = row("hmm", "ask_question", ("nlu_fallback", 0.4), ("ask_question", 0.38), ("thank", 0.3))
    assert replay(fell, threshold=0.3, ambiguity=0.0)["intent"] == "ask_question"


def test_sweep_scores_every_setting_and_a_short_ranking_is_an_error() -> None:
    rows = [row("merci", "thank", ("thank", 0.7), ("greet", 0.2)),
            row("bof", "ask_question", ("deny", 0.45), ("ask_question", 0.4))]
    results = {(t, a): (macro, fallbacks) for t, a, macro, _, fallbacks in sweep(rows)}
    assert results[0.4, 0.1] == (1.0, 1)  # the doubtful one falls back, i.e. to the question it was
    assert results[0.3, 0.0][1] == 0 and results[0.3, 0.0][0] < 1.0
    with pytest.raises(ValueError, match="fewer than two"):
        replay(row("x", "thank", ("thank", 0.9)), threshold=0.4, ambiguity=0.1)
