"""The words that make a reply negative feedback, or a rating of a person's help."""

from __future__ import annotations

import pytest

from gateway.feedback_replies import is_short_negative, normalise, parse_rating
from tests.gateway.feedback_sequences import HELD_OUT_OTHER, NEGATIVE_AFTER_ANSWER, NOT_FEEDBACK_AFTER_ANSWER


@pytest.mark.parametrize("text", NEGATIVE_AFTER_ANSWER)
def test_short_negatives_are_found(text: str) -> None:
    assert is_short_negative(text)


@pytest.mark.parametrize("text", NOT_FEEDBACK_AFTER_ANSWER + HELD_OUT_OTHER)
def test_thanks_closings_and_new_questions_are_not_feedback(text: str) -> None:
    assert not is_short_negative(text)


def test_long_messages_are_left_to_the_assistant() -> None:
    assert not is_short_negative("non non non non non non non non non")  # nine words: more than a verdict


@pytest.mark.parametrize(("text", "rating"), [
    ("👍", True), ("👎", False), ("oui", True), ("Oui merci !", True), ("merci beaucoup", True), ("non", False),
    ("pas vraiment", False), ("👎 pas du tout", False), ("👍👎", None), ("non merci", None),
    ("et mon dossier du mois dernier ?", None), ("je voudrais signaler un lampadaire", None), ("", None),
])
def test_ratings(text: str, rating: bool | None) -> None:
    assert parse_rating(text) is rating


def test_normalise() -> None:
    assert normalise("@Ville  Ça NE répond   pas !") == "ca ne repond pas"
    assert normalise("C’est à côté…") == "c'est a cote"
