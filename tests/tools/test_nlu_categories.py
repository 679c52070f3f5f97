"""tools/nlu_categories.py: the generated training file is what the lists give, and no training file holds a test's
wording."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from benchmarks.nlu_blind import load_set
from guichet.settings import PROJECT_ROOT
from tests.e2e.learning_week_data import NEEDS, NEW_NEEDS
from tools.nlu_categories import SEED, TARGET, render
from tools.nlu_situation_kinds import situation_kinds

NLU_DATA = PROJECT_ROOT / "data" / "nlu"


def has_intents(path: Path) -> bool:
    """Lookup tables and synonyms live in data/nlu too: only files with intent examples are training sentences."""
    return any("intent" in block for block in yaml.safe_load(path.read_text()).get("nlu", []))


def test_the_committed_file_is_the_lists_rendered() -> None:
    """Editing a list without running the tool would train on stale examples: the file must be regenerated."""
    assert TARGET.read_text() == render()


def test_the_situation_kinds_are_trained_on_under_their_intents() -> None:
    kinds = situation_kinds(random.Random(SEED + 3))  # the seed the tool gives them
    assert set(kinds) == {"ask_question", "check_status"}
    assert len(kinds["ask_question"]) >= 30 and len(kinds["check_status"]) >= 6
    written = load_set(TARGET)
    for intent, lines in kinds.items():  # rendered, every third line of an intent is capitalised
        assert {line.lower() for line in lines} <= {text.lower() for text, found in written if found == intent}, intent


def test_no_wording_of_the_learning_week_is_trained_on() -> None:
    """The week measures what the assistant does with wordings nobody wrote for it (tests/e2e/learning_week_data.py):
    none of its messages, asked or held out, may appear among the training examples of any file, in any case."""
    files = [path for path in sorted(NLU_DATA.glob("*.yml")) if has_intents(path)]
    assert TARGET in files and len(files) >= 5, files
    trained = {text.lower() for path in files for text, _ in load_set(path)}
    week = [need.asked for need in NEEDS] + [text for need in NEEDS for text in need.held_out]
    week += [need.asked for need in NEW_NEEDS] + [text for need in NEW_NEEDS for text in need.held_out]
    assert len(week) == 28
    assert not [text for text in week if text.lower() in trained]
