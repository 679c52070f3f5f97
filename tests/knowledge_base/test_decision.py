from __future__ import annotations

from dataclasses import replace

import pytest

from knowledge_base.calibration import cross_validate, fit_thresholds
from knowledge_base.decision import (
    ANCHOR_MARGIN,
    ANCHOR_SCORE,
    DEFAULT_THRESHOLDS,
    ELSEWHERE_LEAD,
    ELSEWHERE_WRITTEN_LEAD,
    KEY_LEAD,
    KEY_SCORE,
    NO_KEY_RULE,
    Signals,
    Thresholds,
    decide,
    signals,
)
from knowledge_base.evaluation import Outcome, Question, decisions_for, metrics
from knowledge_base.ranking import Ranked

THRESHOLDS = Thresholds(answer_score=0.90, answer_margin=0.02, clarify_score=0.85)


@pytest.mark.parametrize(("top", "second", "expected"), [
    (0.95, 0.90, "answer"),     # high and clearly ahead
    (0.95, 0.94, "clarify"),    # high but tied with another entry
    (0.88, 0.80, "clarify"),    # clearly ahead but not high enough to be sure
    (0.84, 0.70, "handoff"),    # nothing fits
    (0.90, 0.88, "answer"),     # on both thresholds
])
def test_decide(top: float, second: float, expected: str) -> None:
    assert decide(Signals(top=top, second=second, lexical=0.0), THRESHOLDS) == expected


def test_no_candidate_hands_off() -> None:
    assert decide(signals([]), THRESHOLDS) == "handoff"
    assert signals([Ranked("a", 0.9, 0.9, 0.0)]) == Signals(top=0.9, second=0.9 - 1.0, lexical=0.0)


def test_thresholds_round_trip_and_errors() -> None:
    assert Thresholds.from_dict(DEFAULT_THRESHOLDS.as_dict()) == DEFAULT_THRESHOLDS
    keyed = THRESHOLDS.with_key_rule()
    assert Thresholds.from_dict(keyed.as_dict()) == keyed and (keyed.key_score, keyed.key_lead) == (KEY_SCORE, KEY_LEAD)
    saved_before = {k: v for k, v in keyed.as_dict().items() if not k.startswith("key")}  # a calibration of before
    assert Thresholds.from_dict(saved_before).key_score == NO_KEY_RULE
    assert (keyed.anchor_score, keyed.anchor_margin) == (ANCHOR_SCORE, ANCHOR_MARGIN)
    older = {k: v for k, v in keyed.as_dict().items() if not k.startswith("anchor")}  # saved before the anchor
    assert Thresholds.from_dict(older).anchor_score == NO_KEY_RULE
    with pytest.raises(ValueError, match="answer_margin"):
        Thresholds.from_dict({"answer_score": 1})


def outcome(expected: str | None, ranked: list[str], top: float, second: float) -> Outcome:
    return Outcome(Question("q", expected=expected, category=None if expected else "oos"), ranked,
                   Signals(top=top, second=second, lexical=0.0))


def crafted() -> list[Outcome]:
    outcomes = []
    for i in range(40):  # confident and right
        outcomes.append(outcome("a", ["a", "b", "c"], 0.95 + i * 0.001, 0.90))
    for i in range(10):  # right but close to the second: should be clarified
        outcomes.append(outcome("a", ["a", "b", "c"], 0.92, 0.915 - i * 0.0001))
    for i in range(10):  # wrong first, right in the top 3
        outcomes.append(outcome("a", ["b", "a", "c"], 0.92, 0.915 - i * 0.0001))
    for i in range(20):  # out of scope, low
        outcomes.append(outcome(None, ["b", "c", "d"], 0.80 + i * 0.001, 0.79))
    return outcomes


def test_fit_finds_thresholds_meeting_the_targets() -> None:
    outcomes = crafted()
    thresholds = fit_thresholds(outcomes, target_precision=0.95)
    figures = metrics(outcomes, decisions_for(outcomes, thresholds))
    assert figures["answer_precision"] >= 0.95
    assert 40 / 60 <= figures["answered_correct"] <= 45 / 60
    assert figures["answered_or_offered"] >= 0.90  # the highest clarify floor that offers 90%
    assert figures["oos_answered"] == 0.0 and figures["oos_handoff"] == 1.0
    assert figures["top1"] == pytest.approx(50 / 60) and figures["top3"] == 1.0
    assert figures["mrr"] == pytest.approx((50 + 10 / 2) / 60)


def test_cross_validation_decides_every_question() -> None:
    outcomes = crafted()
    decided = cross_validate(outcomes, k=4, target_precision=0.95)
    assert len(decided) == len(outcomes) and set(decided) <= {"answer", "clarify", "handoff"}


def test_target_precision_is_checked() -> None:
    with pytest.raises(ValueError, match="target_precision"):
        fit_thresholds(crafted(), target_precision=1.5)


def test_a_message_closer_to_off_topic_examples_is_handed_off_not_offered_choices() -> None:
    thresholds = Thresholds(answer_score=0.90, answer_margin=0.02, clarify_score=0.85, clarify_gap=0.0)
    near_entries = Signals(top=0.88, second=0.87, lexical=0.0, off_topic=0.86)
    near_off_topic = Signals(top=0.88, second=0.87, lexical=0.0, off_topic=0.90)
    assert decide(near_entries, thresholds) == "clarify"
    assert decide(near_off_topic, thresholds) == "handoff"


def test_fit_sends_out_of_scope_questions_near_off_topic_examples_to_a_person() -> None:
    def scored(expected: str | None, ranked: list[str], top: float, off_topic: float) -> Outcome:
        return Outcome(Question("q", expected=expected, category=None if expected else "oos"), ranked,
                       Signals(top=top, second=top - 0.001, lexical=0.0, off_topic=off_topic))

    outcomes = [scored("a", ["a", "b", "c"], 0.95 + i * 0.001, 0.80) for i in range(40)]
    outcomes += [scored("a", ["b", "a", "c"], 0.91, 0.85) for _ in range(10)]  # right entry offered in clarify
    outcomes += [scored(None, ["b", "c", "d"], 0.91, 0.93) for _ in range(20)]  # as high, but nearer off-topic
    thresholds = fit_thresholds(outcomes, target_precision=0.95)
    figures = metrics(outcomes, decisions_for(outcomes, thresholds))
    assert figures["answered_or_offered"] >= 0.90
    assert figures["oos_handoff"] == 1.0
    assert 0.85 <= thresholds.clarify_score <= 0.91 and -0.02 < thresholds.clarify_gap <= 0.06 + 1e-9


def test_the_nearest_key_counts_only_when_it_is_the_first_entrys() -> None:
    ranked = [Ranked("a", 0.9, 0.9, 0.0), Ranked("b", 0.89, 0.89, 0.0)]
    mine = signals(ranked, nearest=("a", 0.95, 0.91))
    assert mine is not None and mine.key == 0.95 and mine.key_lead == pytest.approx(0.04)
    assert mine.as_dict()["key"] == 0.95
    other = signals(ranked, nearest=("b", 0.95, 0.91))
    assert other is not None and (other.key, other.key_lead) == (-1.0, 0.0)


@pytest.mark.parametrize(("key", "lead", "gap", "conflict", "expected"), [
    (0.95, 0.05, 0.5, None, "answer"),      # a near paraphrase of the first entry's key, of no other entry's
    (KEY_SCORE, KEY_LEAD, 0.5, None, "answer"),  # on both thresholds
    (0.95, 0.01, 0.5, None, "clarify"),     # as near another entry's key
    (0.85, 0.05, 0.5, None, "clarify"),     # not near enough
    (0.95, 0.05, 0.01, None, "handoff"),    # nearer the off-topic list than a clarify allows
    (0.95, 0.05, 0.5, "bibliothèque", "clarify"),  # names another entry's subject
])
def test_a_near_paraphrase_of_the_first_entrys_key_is_answered(key: float, lead: float, gap: float,
                                                               conflict: str | None, expected: str) -> None:
    thresholds = Thresholds(answer_score=0.90, answer_margin=0.02, clarify_score=0.85, answer_gap=0.1,
                            clarify_gap=0.05).with_key_rule()
    found = Signals(top=0.91, second=0.905, lexical=0.0, off_topic=0.91 - gap, conflict=conflict, key=key,
                    key_lead=lead)
    assert decide(found, thresholds) == expected
    assert decide(found, replace(thresholds, key_score=NO_KEY_RULE)) in ("clarify", "handoff")  # the rule off


def test_the_absolute_defaults_decide_as_before_the_key_rule() -> None:
    found = Signals(top=0.91, second=0.905, lexical=0.0, key=0.99, key_lead=0.2)
    assert DEFAULT_THRESHOLDS.key_score == NO_KEY_RULE and decide(found, DEFAULT_THRESHOLDS) != "answer"
    assert DEFAULT_THRESHOLDS.anchor_score == NO_KEY_RULE


@pytest.mark.parametrize(("key", "margin", "gap", "conflict", "expected"), [
    (0.94, 0.025, 0.5, None, "answer"),        # nearest the first entry's own wordings: a smaller lead suffices
    (ANCHOR_SCORE, ANCHOR_MARGIN, 0.5, None, "answer"),  # on both thresholds
    (0.94, 0.015, 0.5, None, "clarify"),       # under the anchored margin too
    (0.92, 0.025, 0.5, None, "clarify"),       # its nearest key not near enough
    (-1.0, 0.025, 0.5, None, "clarify"),       # its nearest key another entry's
    (0.94, 0.025, 0.07, None, "clarify"),      # under the answer gap
    (0.94, 0.025, 0.5, "bibliothèque", "clarify"),  # names another entry's subject
])
def test_a_message_anchored_in_the_first_entrys_keys_needs_a_smaller_margin(
        key: float, margin: float, gap: float, conflict: str | None, expected: str) -> None:
    thresholds = Thresholds(answer_score=0.90, answer_margin=0.03, clarify_score=0.85, answer_gap=0.1,
                            clarify_gap=0.05).with_key_rule()
    found = Signals(top=0.92, second=0.92 - margin, lexical=0.0, off_topic=0.92 - gap, conflict=conflict, key=key,
                    key_lead=0.0)
    assert decide(found, thresholds) == expected
    assert decide(found, replace(thresholds, anchor_score=NO_KEY_RULE)) in ("clarify", "handoff")  # the rule off


def test_the_anchored_margin_never_raises_the_rules_own() -> None:
    thresholds = Thresholds(answer_score=0.90, answer_margin=0.01, clarify_score=0.85).with_key_rule()
    found = Signals(top=0.92, second=0.908, lexical=0.0, key=0.99)
    assert thresholds.margin_for(found) == 0.01 and decide(found, thresholds) == "answer"


@pytest.mark.parametrize(("elsewhere", "key", "expected"), [
    (-1.0, -1.0, "answer"),                   # no national page nearer than the imported fiche
    (ELSEWHERE_LEAD - 0.001, -1.0, "answer"),  # nearer, but by less than the lead
    (ELSEWHERE_LEAD, -1.0, "clarify"),        # a page the city did not import is nearer: offered, not answered
    (0.2, 0.99, "clarify"),                   # not answered as a near paraphrase either
])
def test_a_message_nearer_a_page_not_imported_is_offered(elsewhere: float, key: float, expected: str) -> None:
    thresholds = Thresholds(answer_score=0.90, answer_margin=0.02, clarify_score=0.85).with_key_rule()
    found = Signals(top=0.95, second=0.90 if key < 0 else 0.945, lexical=0.0, key=key, key_lead=0.1,
                    elsewhere=elsewhere)
    assert thresholds.elsewhere_lead == ELSEWHERE_LEAD and decide(found, thresholds) == expected
    assert decide(found, replace(thresholds, elsewhere_lead=NO_KEY_RULE)) == "answer"  # the check off
    assert DEFAULT_THRESHOLDS.elsewhere_lead == NO_KEY_RULE  # the absolute thresholds decide as before it
    assert Thresholds.from_dict(thresholds.as_dict()) == thresholds


@pytest.mark.parametrize(("bare", "written", "expected"), [
    (-1.0, ELSEWHERE_WRITTEN_LEAD - 0.001, "answer"),  # beside an entry with variants, nearer by less than its lead
    (-1.0, ELSEWHERE_WRITTEN_LEAD, "clarify"),         # by its lead: offered
    (ELSEWHERE_WRITTEN_LEAD, -1.0, "answer"),          # the same lead beside a bare fiche asks more
])
def test_each_kind_of_first_entry_has_its_lead(bare: float, written: float, expected: str) -> None:
    thresholds = Thresholds(answer_score=0.90, answer_margin=0.02, clarify_score=0.85).with_key_rule()
    found = Signals(top=0.95, second=0.90, lexical=0.0, elsewhere=bare, elsewhere_written=written)
    assert thresholds.elsewhere_written_lead == ELSEWHERE_WRITTEN_LEAD < ELSEWHERE_LEAD
    assert decide(found, thresholds) == expected
    assert decide(found, replace(thresholds, elsewhere_written_lead=NO_KEY_RULE)) == "answer"  # the check off
    assert DEFAULT_THRESHOLDS.elsewhere_written_lead == NO_KEY_RULE
    assert Thresholds.from_dict(thresholds.as_dict()) == thresholds
