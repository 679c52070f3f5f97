"""Replaying the intent blender and the FallbackClassifier from DIET's and the regression's rankings."""

from __future__ import annotations

import argparse

import pytest

from benchmarks.nlu_blend_sweep import decide, setting

DISAGREE = {"text": "seringues au square", "diet": {"insult": 0.98, "report_problem": 0.01, "thank": 0.01},
            "regression": {"insult": 0.05, "report_problem": 0.9, "thank": 0.05}}


def test_the_weight_decides_which_ranking_wins_a_disagreement() -> None:
    assert decide(DISAGREE, weight=0.6, threshold=0.3, ambiguity=0.0)["intent"] == "insult"
    assert decide(DISAGREE, weight=0.35, threshold=0.3, ambiguity=0.0) == {
        "intent": "report_problem", "confidence": pytest.approx(0.35 * 0.01 + 0.65 * 0.9)}


def test_the_fallback_fires_under_the_threshold_or_when_the_blend_is_ambiguous() -> None:
    # weight 0.5: insult 0.515, report_problem 0.455, 0.06 apart
    assert decide(DISAGREE, weight=0.5, threshold=0.3, ambiguity=0.1)["intent"] == "nlu_fallback"
    assert decide(DISAGREE, weight=0.5, threshold=0.3, ambiguity=0.0)["intent"] == "insult"
    assert decide(DISAGREE, weight=0.5, threshold=0.6, ambiguity=0.0) == {"intent": "nlu_fallback",
                                                                         "confidence": 0.6}


def test_a_setting_is_three_numbers() -> None:
    assert setting("0.35,0.3,0") == (0.35, 0.3, 0.0)
    with pytest.raises(argparse.ArgumentTypeError, match="WEIGHT,THRESHOLD,AMBIGUITY"):
        setting("0.35,0.3")
