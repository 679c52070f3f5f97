"""Scoring of a blind NLU set: the fallback counts as a question, F1 per written intent, annotations removed."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.nlu_blind import load_set, render, score
from benchmarks.nlu_outcomes import outcome, smalltalk_texts


def parsed(intent: str, confidence: float = 0.95) -> dict[str, object]:
    return {"intent": intent, "confidence": confidence}


def test_the_fallback_counts_as_a_question_and_f1_is_per_written_intent() -> None:
    gold = ["ask_question", "ask_question", "thank", "thank"]
    scores = score(gold, [parsed("nlu_fallback", 0.4), parsed("ask_question"), parsed("thank"),
                          parsed("ask_question", 0.99)])
    assert scores.confusion["ask_question"]["ask_question"] == 2
    assert scores.f1["thank"] == pytest.approx(2 / 3)  # precision 1, recall 1/2
    assert scores.f1["ask_question"] == pytest.approx(0.8)  # precision 2/3, recall 1
    assert scores.macro_f1 == pytest.approx((0.8 + 2 / 3) / 2)
    assert scores.fallbacks == 1 and scores.confident_errors == 1 and scores.accuracy == 0.75


def test_a_development_set_is_titled_and_labelled_as_such() -> None:
    parses = [{**parsed("thank"), "ms": 10.0, "cpu_ms": 9.0}, {**parsed("ask_question"), "ms": 12.0, "cpu_ms": 11.0}]
    scores = score(["thank", "ask_question"], parses)
    blind = render(Path("nlu_blind_1.yml"), scores, parses, Path("m.tar.gz"), "cmd")
    development = render(Path("nlu_blind_1.yml"), scores, parses, Path("m.tar.gz"), "cmd", development=True)
    assert blind.startswith("### Blind set `nlu_blind_1.yml`") and "development set" not in blind
    assert development.startswith("### Development set `nlu_blind_1.yml`")
    assert "errors read to choose examples and settings" in development


def test_a_set_loses_its_entity_annotations(tmp_path: Path) -> None:
    path = tmp_path / "set.yml"
    path.write_text('version: "3.1"\nnlu:\n  - intent: check_status\n    examples: |\n'
                    "      - où en est [G-7K3Q9](reference) ?\n      - suivi\n")
    assert load_set(path) == [("où en est G-7K3Q9 ?", "check_status"), ("suivi", "check_status")]


def test_an_empty_set_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.yml"
    path.write_text('version: "3.1"\nnlu: []\n')
    with pytest.raises(ValueError, match=r"empty\.yml"):
        load_set(path)


def test_outcomes_are_read_from_the_replies() -> None:
    smalltalk = smalltalk_texts()
    greeting = next(text for text, intent in smalltalk.items() if intent == "greet")
    assert outcome([{"kind": "smalltalk", "text": greeting}], smalltalk) == ("smalltalk greet", None)
    assert outcome([{"kind": "handoff", "text": "…", "handoff": {"department": "voirie"}}], smalltalk) == \
        ("handoff", "voirie")
    assert outcome([{"kind": "clarify", "text": "…"}], smalltalk) == ("clarify", None)
    assert outcome([], smalltalk) == ("no reply", None)
    assert outcome([{"kind": "form", "text": "Quel est le numéro ? Il commence par G-"}], smalltalk) == \
        ("status lookup", None)
    assert outcome([{"kind": "form", "text": "Où exactement ?"}], smalltalk) == ("report form", None)
