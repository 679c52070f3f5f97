"""tools/nlu_categories.py: the generated training file is what the lists give, and never holds a test's wording."""

from __future__ import annotations

import random

import yaml

from tests.e2e.learning_week_data import NEEDS, NEW_NEEDS
from tools.nlu_categories import SEED, TARGET, render
from tools.nlu_situation_kinds import situation_kinds


def examples(document: str) -> dict[str, list[str]]:
    blocks = yaml.safe_load(document)["nlu"]
    return {block["intent"]: [line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")]
            for block in blocks}


def test_the_committed_file_is_the_lists_rendered() -> None:
    """Editing a list without running the tool would train on stale examples: the file must be regenerated."""
    assert TARGET.read_text() == render()


def test_the_situation_kinds_are_trained_on_under_their_intents() -> None:
    kinds = situation_kinds(random.Random(SEED + 3))  # the seed the tool gives them
    assert set(kinds) == {"ask_question", "check_status"}
    assert len(kinds["ask_question"]) >= 30 and len(kinds["check_status"]) >= 6
    written = examples(render())
    for intent, lines in kinds.items():  # rendered, every third line of an intent is capitalised
        assert {line.lower() for line in lines} <= {line.lower() for line in written[intent]}, intent


def test_no_wording_of_the_learning_week_is_trained_on() -> None:
    """The week measures what the assistant does with wordings nobody wrote for it (tests/e2e/learning_week_data.py):
    none of its messages, asked or held out, may appear among the training examples, in any case."""
    trained = {line.lower() for lines in examples(render()).values() for line in lines}
    week = [need.asked for need in NEEDS] + [text for need in NEEDS for text in need.held_out]
    week += [need.asked for need in NEW_NEEDS] + [text for need in NEW_NEEDS for text in need.held_out]
    assert len(week) == 28
    assert not [text for text in week if text.lower() in trained]
