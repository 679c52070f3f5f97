"""The profile the decision's rule reads: which off-topic examples set the level, which only hold neighbours back."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from knowledge_base.decision_policy import off_topic_profile
from knowledge_base.off_topic import Listed, OffTopic

SCORES = {"la météo de demain": 0.80, "un vélo électrique pas cher": 0.82, "mon permis de conduire perdu": 0.93}


def examples() -> npt.NDArray[np.float32]:
    vectors = np.array([[1, 0, 0], [0, 1, 0], [0.6, 0.8, 0]], dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def top_score(text: str, _vector: npt.NDArray[np.float32]) -> float:
    return SCORES[text]


def test_a_question_marked_out_of_scope_in_the_inbox_holds_its_neighbours_back_without_setting_the_level() -> None:
    texts = list(SCORES)
    off_topic = OffTopic(examples(), texts, from_inbox=[False, False, True])
    profile = off_topic_profile(off_topic, keys=[], relative=True, top_score=top_score)
    assert sorted(profile.tops) == [0.80, 0.82]  # the near miss a citizen asked does not raise the level
    # each written example's lead over its closest other example, the inbox's one among them
    assert np.allclose(sorted(profile.gaps), sorted([0.80 - 0.6, 0.82 - 0.8]))
    assert off_topic.similarity(examples()[2]) > 0.99  # a message like it is still held back

    written = OffTopic(examples(), texts)  # the same three, all written: all three set the level
    assert sorted(off_topic_profile(written, keys=[], relative=True, top_score=top_score).tops) == [0.80, 0.82, 0.93]


def test_an_example_an_entry_answers_stops_counting_whatever_its_source() -> None:
    texts = list(SCORES)
    vectors = np.array([[1, 0, 0], [0.8, 0.6, 0], [0, 0, 1]], dtype=np.float32)
    off_topic = OffTopic(vectors, texts, from_inbox=[False, False, True])
    key = np.array([[0, 0, 1]], dtype=np.float32)  # an entry now asks what the inbox's example asked
    profile = off_topic_profile(off_topic, keys=[key], relative=True, top_score=top_score)
    assert off_topic.ignored == ["mon permis de conduire perdu"] and sorted(profile.tops) == [0.80, 0.82]
    assert off_topic.profiled.tolist() == [True, True]


def test_listed_without_some_texts_keeps_the_sources_of_the_others() -> None:
    listed = Listed(["a", "b", "c"], [False, True, True])
    assert listed.without({"c"}) == Listed(["a", "b"], [False, True])
    assert Listed.written(["a", "b"]).without({"a"}) == Listed(["b"], [False])


def test_flags_that_do_not_match_the_examples_are_refused() -> None:
    with pytest.raises(ValueError, match="from_inbox: 1 flags for 2 texts"):
        Listed(["a", "b"], [True])
    with pytest.raises(ValueError, match="from_inbox: 1 flags for 3 examples"):
        OffTopic(examples(), list(SCORES), from_inbox=[True])
