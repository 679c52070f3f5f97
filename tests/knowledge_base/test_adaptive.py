"""Thresholds relative to the knowledge base, the off-topic list relative to its entries, key-term agreement."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.adaptive import (
    BARE_RULE,
    DEFAULT_RULE,
    Case,
    Profile,
    Rule,
    cross_validate_rule,
    default_rule,
    fit_rule,
)
from knowledge_base.agreement import KeyTerms
from knowledge_base.decision import Signals
from knowledge_base.evaluation import Outcome, Question
from knowledge_base.off_topic import OffTopic
from knowledge_base.validation import EntryData


def outcome(expected: str | None, first: str, top: float, second: float, off_topic: float) -> Outcome:
    return Outcome(Question("q", expected=expected), [first, "other"], Signals(top=top, second=second, lexical=0.0,
                                                                                off_topic=off_topic))


def test_the_rule_moves_with_the_profile() -> None:
    low = Profile(np.linspace(0.80, 0.90, 101), np.linspace(-0.05, 0.05, 101))
    high = Profile(low.tops + 0.05, low.gaps + 0.02)
    at_low, at_high = low.thresholds(DEFAULT_RULE), high.thresholds(DEFAULT_RULE)
    assert at_low is not None and at_high is not None
    assert at_high.answer_score == pytest.approx(at_low.answer_score + 0.05)
    assert at_high.answer_gap == pytest.approx(at_low.answer_gap + 0.02)
    assert at_low.answer_margin == at_high.answer_margin == DEFAULT_RULE.answer_margin
    assert at_low.clarify_score <= at_low.answer_score


def test_a_knowledge_base_of_entries_without_variants_gets_the_bare_rule() -> None:
    assert default_rule(variant_counts=[0] * 174) == BARE_RULE
    assert default_rule(variant_counts=[8] * 190) == DEFAULT_RULE
    assert default_rule(variant_counts=[8] * 95 + [0] * 95) == BARE_RULE  # half or fewer with variants
    assert default_rule(variant_counts=[8] * 96 + [1] * 94) == DEFAULT_RULE
    assert default_rule(variant_counts=[]) == BARE_RULE


def test_one_or_two_confirmed_questions_leave_an_imported_fiche_bare_for_the_rule() -> None:
    mine = Rule(0.5, 0.5, 0.01, 0.1, 0.1)
    assert default_rule(variant_counts=[3] * 9 + [0], variants=mine, bare=DEFAULT_RULE) == mine
    assert default_rule(variant_counts=[2] * 9 + [0], variants=mine, bare=DEFAULT_RULE) == DEFAULT_RULE


def test_too_few_off_topic_examples_give_no_thresholds() -> None:
    assert Profile(np.array([0.9] * 5), np.array([0.0] * 5)).thresholds(DEFAULT_RULE) is None


def test_rule_round_trips_and_rejects_bad_values() -> None:
    assert Rule.from_dict(DEFAULT_RULE.as_dict()) == DEFAULT_RULE
    with pytest.raises(ValueError, match="answer_margin"):
        Rule.from_dict({"answer_top_quantile": 0.5})
    with pytest.raises(ValueError, match="not a quantile"):
        Rule.from_dict({**DEFAULT_RULE.as_dict(), "answer_gap_quantile": 1.5})


def test_fit_rule_keeps_the_target_precision_on_every_case() -> None:
    rng = np.random.default_rng(3)
    profile = Profile(rng.normal(0.85, 0.02, 200), rng.normal(-0.02, 0.02, 200))
    right = [outcome("a", "a", float(t), float(t) - 0.05, float(t) - 0.06) for t in rng.normal(0.92, 0.02, 150)]
    wrong = [outcome("a", "b", float(t), float(t) - 0.005, float(t) - 0.01) for t in rng.normal(0.88, 0.02, 30)]
    outside = [outcome(None, "b", float(t), float(t) - 0.01, float(t) + 0.01) for t in rng.normal(0.85, 0.02, 50)]
    case = Case(right + wrong + outside, profile)
    rule = fit_rule([case], target_precision=0.95)
    thresholds = profile.thresholds(rule)
    assert thresholds is not None
    answered = [o for o in case.outcomes if o.signals is not None and o.signals.top >= thresholds.answer_score
                and o.signals.margin >= thresholds.answer_margin and o.signals.gap >= thresholds.answer_gap]
    precision = sum(o.ranked[0] == o.question.expected for o in answered) / len(answered)
    assert precision >= 0.95 and len(answered) >= 100
    decided = cross_validate_rule([case], k=3, target_precision=0.95)[0]
    assert len(decided) == len(case.outcomes) and set(decided) <= {"answer", "clarify", "handoff"}


def test_an_off_topic_example_an_entry_answers_stops_counting() -> None:
    examples = np.array([[1, 0, 0], [0.9, 0.436, 0], [0, 0, 1]], dtype=np.float32)
    examples /= np.linalg.norm(examples, axis=1, keepdims=True)
    off_topic = OffTopic(examples, ["a", "b", "c"])
    off_topic.relative_to(np.zeros((0, 3), dtype=np.float32))
    assert off_topic.ignored == [] and len(off_topic.vectors) == 3
    off_topic.relative_to(np.array([[0, 0, 1]], dtype=np.float32))  # an entry now asks what "c" asks
    assert off_topic.ignored == ["c"]
    assert off_topic.similarity(np.array([0, 0, 1], dtype=np.float32)) < 0.5
    off_topic.relative_to(np.zeros((0, 3), dtype=np.float32))  # the entry is gone: "c" counts again
    assert off_topic.ignored == []


def test_key_terms_say_when_the_entry_lacks_what_is_asked() -> None:
    terms = KeyTerms()
    terms.put(EntryData(id="bibliotheques-horaires", question="Quels sont les horaires des bibliothèques ?",
                        answer="Du mardi au samedi, de 10h à 18h.", department="bibliotheques"))
    terms.put(EntryData(id="mairie-horaires", question="Quels sont les horaires de la mairie ?",
                        answer="Du lundi au vendredi.", department="accueil"))
    asked = "la mairie est ouverte le samedi ?"
    assert (terms.conflict(asked, ["bibliotheques-horaires", "mairie-horaires"]) or "").startswith("mairi")
    assert terms.conflict(asked, ["mairie-horaires", "bibliotheques-horaires"]) is None
    found = terms.agreement(asked, "bibliotheques-horaires")
    assert 0 < found.coverage < 1 and found.missing > 0
    terms.remove("mairie-horaires")
    assert terms.conflict(asked, ["bibliotheques-horaires"]) is None
