"""The decision beyond the FAQ it was fitted on, with the real model (``pytest -m model``).

Each foreign FAQ (knowledge_base/eval/foreign*, frozen before what it measured) goes into a fresh database
through the import alone, the fiches with their details; the shipped FAQ is cross-validated with the rule
refitted per fold; the day-one questions run on the shipped FAQ; fiches added to the shipped FAQ run on both.
Floors are what was measured (docs/benchmarks-kb.md): a regression fails. The issue's targets not reached yet
are expected failures saying the figure.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from guichet.settings import PROJECT_ROOT, Settings
from knowledge_base import adaptive, evaluation, protocols
from knowledge_base.decision import NO_KEY_RULE, Thresholds
from knowledge_base.foreign_faq import entry_id_of

pytestmark = pytest.mark.model
MODEL = Path(Settings().resolved_embedding_model)
EVAL = PROJECT_ROOT / "knowledge_base" / "eval"


def settings() -> Settings:
    if not (MODEL / "modules.json").is_file():
        pytest.fail(f"no embedding model at {MODEL}: run `make install`")
    return Settings(embedding_model=str(MODEL))


@functools.cache
def foreign_faq(name: str) -> dict[str, float]:
    """The adaptive decision's figures on the foreign FAQ ``knowledge_base/eval/<name>``, imported afresh (once per
    session: several tests read each set)."""
    questions = evaluation.load_questions(EVAL / name / "questions.yml", expected_of=entry_id_of)
    return protocols.foreign(settings(), faq=EVAL / name / "faq.yml", questions=questions).adaptive


@functools.cache
def day_one_set(name: str) -> dict[str, float]:
    """The adaptive decision's figures on the day-one set ``knowledge_base/eval/<name>``, on the shipped FAQ (once
    per session)."""
    questions = evaluation.load_questions(EVAL / name / "questions.yml")
    return protocols.foreign(settings(), faq=PROJECT_ROOT / "knowledge_base" / "faq", questions=questions).adaptive


@functools.cache
def mixed_outcomes(name: str) -> tuple[list[evaluation.Outcome], Thresholds]:
    """The shipped FAQ with the fiches of ``knowledge_base/eval/<name>`` imported beside it into a fresh database,
    asked about the fiches (once per session): each question's outcome, and the thresholds the knowledge base chose."""
    questions = evaluation.load_questions(EVAL / name / "questions.yml", expected_of=entry_id_of)
    return protocols.mixed_outcomes(settings(), faq=PROJECT_ROOT / "knowledge_base" / "faq",
                                    fiches=EVAL / name / "faq.yml", questions=questions)


def mixed_set(name: str, *, pages_not_imported: bool = True) -> dict[str, float]:
    """The adaptive decision's figures on ``mixed_outcomes`` (the check of the pages not imported on or off)."""
    outcomes, thresholds = mixed_outcomes(name)
    if not pages_not_imported:
        thresholds = replace(thresholds, elsewhere_lead=NO_KEY_RULE)
    return evaluation.metrics(outcomes, evaluation.decisions_for(outcomes, thresholds))


@pytest.fixture(scope="module")
def foreign() -> protocols.Comparison:
    questions = evaluation.load_questions(EVAL / "foreign" / "questions.yml", expected_of=entry_id_of)
    return protocols.foreign(settings(), faq=EVAL / "foreign" / "faq.yml", questions=questions)


def test_foreign_faq_with_only_the_import(foreign: protocols.Comparison) -> None:
    found = foreign.adaptive
    print("\n".join(foreign.lines()))
    # BARE_RULE (fitted with this set among others, before entries had details), the fiches imported with their
    # details (passages and words searched, a9c913b): 69.2% right at 98.0%, 97.7% offered, 5.0% of out of scope
    # (without details: 68.1% at 98.4%, 4.0%)
    assert found["answer_precision"] >= 0.975 and found["answered_correct"] >= 0.685
    assert found["answered_or_offered"] >= 0.97 and found["oos_answered"] <= 0.06
    assert found["answered_correct"] > foreign.today["answered_correct"] + 0.15


def test_foreign_faq_reaches_the_issue_targets(foreign: protocols.Comparison) -> None:
    """A development set (the decision was fitted with it): top-1 95.5% since the fiches' details are searched
    (91.2% before), 69.2% answered right at 98.0% precision."""
    found = foreign.adaptive
    assert found["top1"] >= 0.92 and found["answered_correct"] >= 0.65 and found["answer_precision"] >= 0.95


# The floors of each foreign FAQ beyond the first: (top-1, precision, answered right, answered or offered) at least,
# out of scope answered at most. Each set was written blind and measured once (its README: foreign5 at 9f55b7f
# and foreign6 at adec27f, on the details' passages alone; foreign7 at 85ac14c; foreign8 at c721ef1; foreign9 at
# c355137; docs/benchmarks-kb.md); each is a development set since its measure (7, 8 and 9 were looked at in labs
# after theirs).
# The figures guarded, the details' passages and words searched (a9c913b), top-1, right at precision, offered,
# out of scope answered:
# - foreign2: 93.4%, 73.8% at 99.2%, 97.7%, 2.0% (BARE_RULE was fitted with it);
# - foreign3: 93.4%, 67.1% at 95.3%, 98.9%, 11.0%;
# - foreign4: 91.6%, 64.2% at 95.8%, 96.6%, 9.0%;
# - foreign5: 93.8%, 68.6% at 98.1%, 98.4%, 4.0% (measured once on the passages alone: 91.4%, 61.9% at 99.1%);
# - foreign6: 94.6%, 69.0% at 96.2%, 98.7%, 10.0% (measured once on the passages alone: 90.6%, 66.8% at 96.5%);
# - foreign7: written blind after a9c913b, measured once on it (85ac14c): 91.9%, 61.8% at 97.9%, 96.8%, 5.0% (same
#   hour, the passages alone: 87.4%, 55.6% at 97.2%; without details: 84.7%, 49.5% at 95.3%).
# - foreign8: written blind after the memory change of c721ef1 (which leaves every score as it was), measured once
#   on it: 90.8%, 61.3% at 95.5%, 97.1%, 11.0% (same hour, the passages alone: 88.7%, 57.4% at 96.0%; without
#   details: 83.9%, 54.7% at 94.5%).
# - foreign9: 226 fiches for businesses and associations, written blind after c355137 (the same search), measured once
#   on it: 91.0%, 65.0% (232 of 357, a hair under 65%) at 95.9%, 96.6%, 6.0% (same hour, the passages alone: 86.0%,
#   59.1% at 96.8%; without details: 79.0%, 52.4% at 92.1%).
# - foreign10: 200 fiches drawn at random from the nine sets above (so fiches searched before, in a combination no
#   set had), new questions written blind, measured once with the near-paraphrase answer (it changes nothing on
#   bare fiches, same run): 93.4%, 68.4% at 98.2%, 98.4%, 3.0%: every target of the issue.
# - foreign4 since passages are batched by tokens (a6452cc; a bfloat16 vector depends slightly on its batch's
#   padding): one in-scope answer fewer and one near miss answered more: 64.0% at 95.4%, 10.0% (development set).
# - since the pages the city did not import are checked (national_pages; chosen on foreign 3 to 10 and mixed1, so
#   development sets for it), in the same run without -> with: foreign3 67.1% at 95.7%, 10% -> 66.3% at 97.2%, 6%;
#   foreign4 64.0% at 95.4%, 10% -> 63.1% at 95.8%, 9%; foreign5 68.6% -> 67.6% at 98.1%, 4%; foreign6 69.0% at
#   96.2%, 10% -> 68.7% at 97.7%, 6%; foreign7 62.1% at 97.9%, 5% -> 62.1% at 98.3%, 4%; foreign8 61.3% at 95.5%,
#   11% -> 60.5% at 96.6%, 8%; foreign9 65.5% at 95.9%, 6% -> 65.5% at 96.3%, 5%; foreign10 68.4% at 98.2%, 3% ->
#   68.4% at 99.1%, 1%.
# - foreign11: 200 other fiches drawn from the sets before, new questions written blind, measured once with the pages
#   not imported (2026-12-07): 92.5%, 71.2% at 98.7%, 98.1%, 2.0% (without them, same run: 71.6% at 97.9%, 4.0%):
#   every target of the issue.
# - foreign12: 200 other fiches drawn from the sets before, new questions written blind, measured once with today's
#   search (2026-12-07 12:20 UTC): 92.5%, 66.9% at 96.8% (no wrong answer in scope), 97.8%, 7.0% (7 near misses
#   answered: a lost driving licence with the fiche on adding a licence category, a veranda with the cellar's
#   planning permission, the birth bonus with the family benefits' means test).
# - foreign13: 200 other fiches drawn from the sets before, new questions written blind, frozen at 12:45 UTC and
#   measured once at be9b94c (2026-12-07 18:50 UTC, a CPU with AMX): 93.8%, 65.9% at 98.6%, 97.8%, 2.0%: every
#   target of the issue.
# - foreign14: 200 other fiches drawn from the sets before, new questions written blind, frozen at 19:10 UTC and
#   measured once at c7dbf1e (2026-12-07 21:39 UTC): 91.9%, 62.5% at 96.2% (no wrong answer in scope), 96.9%, 8.0%
#   (8 near misses answered: a cancelled train or flight with the fiche on refunds of unused tickets, a gift of money
#   to a daughter, keeping the company's health cover when unemployed, an unpaid child support, among others).
# - on a CPU with AMX (2026-12-07, the same code), the bfloat16 kernels round otherwise and a question or two moves:
#   foreign4 precision 95.4% (95.8% before), foreign9 answered right 64.99% (232 of 357; 65.5% before); both floors
#   are the lower of the two machines'.
FLOORS = {
    "foreign2": (0.93, 0.985, 0.73, 0.97, 0.03),
    "foreign3": (0.93, 0.97, 0.66, 0.98, 0.06),
    "foreign4": (0.91, 0.95, 0.63, 0.96, 0.09),
    "foreign5": (0.935, 0.975, 0.675, 0.98, 0.04),
    "foreign6": (0.94, 0.975, 0.685, 0.98, 0.06),
    "foreign7": (0.915, 0.98, 0.62, 0.965, 0.04),
    "foreign8": (0.905, 0.96, 0.60, 0.965, 0.08),
    "foreign9": (0.905, 0.96, 0.645, 0.96, 0.05),
    "foreign10": (0.93, 0.99, 0.68, 0.98, 0.01),
    "foreign11": (0.925, 0.985, 0.71, 0.98, 0.02),
    "foreign12": (0.925, 0.965, 0.665, 0.975, 0.07),
    "foreign13": (0.93, 0.98, 0.655, 0.975, 0.03),
    "foreign14": (0.91, 0.955, 0.615, 0.96, 0.09),
}


def assert_floors(found: dict[str, float], floors: tuple[float, float, float, float, float]) -> None:
    """Top-1, precision, answered right, answered or offered at least; out of scope answered at most."""
    top1, precision, answered, offered, out_of_scope = floors
    assert found["top1"] >= top1 and found["answer_precision"] >= precision
    assert found["answered_correct"] >= answered and found["answered_or_offered"] >= offered
    assert found["oos_answered"] <= out_of_scope


@pytest.mark.parametrize("name", list(FLOORS))
def test_measured_foreign_faq_keeps_its_figures(name: str) -> None:
    assert_floors(foreign_faq(name), FLOORS[name])


def missing_targets(name: str, reason: str) -> Any:
    """A foreign FAQ that misses the issue's targets: a strict expected failure saying its figures."""
    return pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=reason, raises=AssertionError))


@pytest.mark.parametrize("name", [
    missing_targets("foreign3", (
        "third foreign FAQ (development set): 6.0% of out of scope answered (target 5%; 10.0% without the pages not "
        "imported); top-1 93.4%, 66.3% answered right at 97.2% precision, 98.9% offered (met)")),
    missing_targets("foreign4", (
        "fourth foreign FAQ (development set): top-1 91.6% (target 92%), 63.1% answered right (target 65%), 9.0% "
        "of out of scope answered (target 5%)")),
    "foreign5",  # a development set since its measure: every target met since BM25 reads the details (a9c913b)
    missing_targets("foreign6", (
        "sixth foreign FAQ (development set since its measure): 6.0% of out of scope answered (target 5%; 10.0% "
        "without the pages not imported); top-1 94.6%, 68.7% answered right at 97.7% precision, 98.7% offered "
        "(met)")),
    missing_targets("foreign7", (
        "seventh foreign FAQ, measured once: top-1 91.9% (target 92%), 62.1% answered right (target 65%); 98.3% "
        "precision, 96.8% offered and 4.0% of out of scope answered (met)")),
    missing_targets("foreign8", (
        "eighth foreign FAQ, measured once: top-1 90.8% (target 92%), 60.5% answered right (target 65%), 8.0% of "
        "out of scope answered (target 5%; 11.0% without the pages not imported); 96.6% precision and 97.1% offered "
        "(met)")),
    missing_targets("foreign9", (
        "ninth foreign FAQ, measured once: top-1 91.0% (target 92%); 65.5% answered right at 96.3% precision, 96.4% "
        "offered and 5.0% of out of scope answered (met; 6.0% without the pages not imported)")),
    "foreign10",  # measured once: every target met
    "foreign11",  # measured once with the pages not imported: every target met (and without them, same run)
    missing_targets("foreign12", (
        "twelfth foreign FAQ, measured once: 7.0% of out of scope answered (target 5%: near misses on a fiche's "
        "subject); top-1 92.5%, 66.9% answered right at 96.8% precision, 97.8% offered (met)")),
    "foreign13",  # measured once: every target met
    missing_targets("foreign14", (
        "fourteenth foreign FAQ, measured once: top-1 91.9% (target 92%), 62.5% answered right (target 65%), 8.0% of "
        "out of scope answered (target 5%: near misses on a fiche's subject); 96.2% precision, 96.9% offered (met)")),
])
def test_measured_once_foreign_faq_reaches_the_issue_targets(name: str) -> None:
    assert evaluation.missed_targets(foreign_faq(name), evaluation.FOREIGN_TARGETS) == []


# Fiches added to the shipped FAQ (bare entries among curated ones), each set written blind and measured once (its
# README): top-1, precision, answered right, answered or offered at least, out of scope answered at most.
# - mixed1 (60 fiches on work, money and justice), measured once on 2026-12-06: 93.3%, 60.0% at 93.8%, 100%, 12.0%
#   (near misses on the fiches' subjects that the off-topic list, written next to a city's FAQ, has nothing like);
#   a development set since, with the pages not imported (chosen with it among others): 60.0% at 95.7%, 8.0%.
# - mixed2 (60 fiches on family, transport, foreigners and social matters), measured once with the pages not imported
#   (2026-12-07): 91.3%, 50.7% at 93.8%, 98.7%, 8.0% (without them, same run: 51.3% at 93.9%, 8.0%).
# - mixed3 (60 fiches of any subject), measured once with the written entries' one level of the key-count penalty
#   (2026-12-07): 92.7%, 52.7% at 91.9%, 96.7%, 12.0% (per entry, same machine: 92.0%, 52.7% at 90.8%, 14.0%).
MIXED_FLOORS = {
    "mixed1": (0.93, 0.955, 0.595, 0.99, 0.08),
    "mixed2": (0.91, 0.935, 0.505, 0.98, 0.08),
    "mixed3": (0.925, 0.915, 0.525, 0.965, 0.12),
}


@pytest.mark.parametrize("name", list(MIXED_FLOORS))
def test_fiches_added_to_the_shipped_faq_keep_their_figures(name: str) -> None:
    assert_floors(mixed_set(name), MIXED_FLOORS[name])


def test_the_pages_not_imported_hold_back_near_misses_on_the_fiches() -> None:
    """mixed1 (a development set for this check): the near misses a fiche leads but another Service-public.fr page
    answers are offered the choices: out of scope answered 12% -> 8%, no right answer lost."""
    without, found = mixed_set("mixed1", pages_not_imported=False), mixed_set("mixed1")
    assert without["oos_answered"] >= 0.12 and found["oos_answered"] <= 0.08
    assert found["answered_correct"] == without["answered_correct"]


@pytest.mark.parametrize("name", [
    pytest.param("mixed1", marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
        "fiches added to the shipped FAQ, measured once: 60.0% answered right (target 65%), 8.0% of out of scope "
        "answered with the pages not imported (target 5%; 12.0% when measured once); top-1 93.3%, 95.7% precision "
        "and 100% offered (met)"))),
    pytest.param("mixed2", marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
        "fiches added to the shipped FAQ, second set, measured once: top-1 91.3% (target 92%), 50.7% answered right "
        "(target 65%) at 93.8% precision (target 95%), 8.0% of out of scope answered (target 5%; 3 of the 4 are "
        "answered by the shipped FAQ's own entries); 98.7% offered (met)"))),
    pytest.param("mixed3", marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
        "fiches added to the shipped FAQ, third set, measured once: 52.7% answered right (target 65%) at 91.9% "
        "precision (target 95%), 12.0% of out of scope answered (target 5%); top-1 92.7% and 96.7% offered (met)"))),
])
def test_fiches_added_to_the_shipped_faq_reach_the_issue_targets(name: str) -> None:
    assert evaluation.missed_targets(mixed_set(name), evaluation.FOREIGN_TARGETS) == []


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[evaluation.Outcome], adaptive.Profile]:
    folder = tmp_path_factory.mktemp("shipped")
    knowledge_base = protocols.fresh_knowledge_base(settings(), PROJECT_ROOT / "knowledge_base" / "faq",
                                                    folder=folder)
    outcomes = evaluation.run_questions(knowledge_base.analyse, evaluation.load_questions(EVAL))
    return outcomes, knowledge_base.profile


def test_shipped_faq_cross_validated(shipped: tuple[list[evaluation.Outcome], adaptive.Profile]) -> None:
    outcomes, profile = shipped
    found = evaluation.metrics(outcomes, adaptive.cross_validate_rule([adaptive.Case(outcomes, profile)], k=5)[0])
    print("\n".join(evaluation.report_lines(found, "5-fold cross-validation of the rule")))
    # 57.8% at 97.1% (docs/benchmarks-kb.md); 57.3% at 96.2% on a CPU with AMX (2026-12-07, the same code: the
    # bfloat16 kernels round otherwise): the floor is the lower
    assert found["answer_precision"] >= 0.95 and found["answered_correct"] >= 0.57
    assert found["answered_or_offered"] >= 0.93


@pytest.mark.xfail(reason="cross-validated coverage 57.8% at 97.1% precision (target 72% at 95%; a development "
                          "figure, the anchored margin and the pages' lead beside entries with variants were chosen "
                          "with these questions): today's ranking and signals do not separate more", strict=True)
def test_shipped_faq_reaches_the_issue_target(shipped: tuple[list[evaluation.Outcome], adaptive.Profile]) -> None:
    outcomes, profile = shipped
    found = evaluation.metrics(outcomes, adaptive.cross_validate_rule([adaptive.Case(outcomes, profile)], k=5)[0])
    assert found["answer_precision"] >= 0.95 and found["answered_correct"] >= 0.72


def test_day_one_development_set() -> None:
    day_one = day_one_set("dayone")
    # development set (the agreement's bounds, the anchored margin and the pages' lead beside entries with variants
    # were chosen looking at it): 1.7% wrong automatic answers of all (3 of 174; 2 before the anchored margin, whose
    # one more is "comment se passe la succession" answered with the death declaration), 98.5% answered or offered,
    # 71.8% answered right (72.5% before the pages' lead: one right answer offered instead), 4.7% of the questions
    # not in the FAQ answered (docs/benchmarks-kb.md)
    assert day_one["wrong_answered"] <= 0.018 and day_one["answered_or_offered"] >= 0.95
    assert day_one["oos_answered"] <= 0.05 and day_one["answered_correct"] >= 0.715


def test_second_day_one_set_measured_once() -> None:
    """Written blind, frozen, measured once at 69ac710: 2.8% wrong automatic answers of all (5 near misses of
    45), 97.0% of those in the FAQ answered or offered, 65.4% answered right. A development set since: with the
    pages' lead beside entries with variants, 1.1% wrong (2 of 178), 4.4% of those not in the FAQ answered, 75.9%
    answered right; the floors guard those figures."""
    day_one_second = day_one_set("dayone2")
    assert day_one_second["wrong_answered"] <= 0.012 and day_one_second["answered_or_offered"] >= 0.96
    assert day_one_second["oos_answered"] <= 0.045 and day_one_second["answered_correct"] >= 0.75


@pytest.mark.xfail(reason="second day-one set: 2.8% wrong automatic answers of all when measured (target 1%), 1.1% "
                          "since (a development set: 2 of its 45 near misses answered)", strict=True)
def test_second_day_one_set_reaches_the_issue_targets() -> None:
    day_one_second = day_one_set("dayone2")
    assert day_one_second["wrong_answered"] <= 0.01 and day_one_second["answered_or_offered"] >= 0.90


def test_third_day_one_set_measured_once_then_developed_on() -> None:
    """Written blind on 2026-12-06, frozen, measured once at 6c44701: 2.1% wrong automatic answers of all (4 of
    188), 97.9% of those in the FAQ answered or offered, 63.8% answered right, 8.5% of those not in the FAQ
    answered. Its errors were then read (the other-authority check was written from them and the second set's):
    0.5% wrong (1 of 188), 63.1% answered right, 2.1% of those not in the FAQ answered: development figures, the
    floors guard them (70.2% answered right since the pages' lead beside entries with variants: two right answers
    offered instead)."""
    day_one_third = day_one_set("dayone3")
    assert day_one_third["wrong_answered"] <= 0.006 and day_one_third["answered_or_offered"] >= 0.975
    assert day_one_third["oos_answered"] <= 0.022 and day_one_third["answered_correct"] >= 0.70


def test_fourth_day_one_set_measured_once() -> None:
    """Written blind on 2026-12-06, frozen before it was first run, measured once at 849f127 (with the
    other-authority check): 1.7% wrong automatic answers of all (3 of 180; 2.2% without the check, same run),
    97.8% of those in the FAQ answered or offered, 66.7% answered right at 96.8%, 6.7% of those not in the FAQ
    answered. A development set of the near-paraphrase answer since (its thresholds were chosen on the day-one sets):
    72.6% answered right at 96.1%, one wrong answer more (4 of 180, 2.2%: a street lamp's failure answered with the
    LED entry); with the anchored margin, 74.8% at 96.2%, no wrong answer more; with the pages' lead beside entries
    with variants, 74.8% at 98.1%, 2 wrong (1.1%), 2.2% of those not in the FAQ answered; the floors guard those
    figures."""
    day_one_fourth = day_one_set("dayone4")
    assert day_one_fourth["wrong_answered"] <= 0.012 and day_one_fourth["answered_or_offered"] >= 0.975
    assert day_one_fourth["oos_answered"] <= 0.023 and day_one_fourth["answered_correct"] >= 0.745


@pytest.mark.xfail(reason="fourth day-one set: 1.1% wrong automatic answers of all (target 1%; 1.7% when measured, "
                          "2.2% before the pages' lead beside entries with variants)", strict=True)
def test_fourth_day_one_set_reaches_the_issue_targets() -> None:
    day_one_fourth = day_one_set("dayone4")
    assert day_one_fourth["wrong_answered"] <= 0.01 and day_one_fourth["answered_or_offered"] >= 0.90


def test_fifth_day_one_set_measured_once() -> None:
    """Written blind on 2026-12-06, frozen, measured once at 8491604 with the code the fourth set was measured
    with: 0.6% wrong automatic answers of all (1 of 181; 2.2% without the other-authority check, same hour),
    97.1% of those in the FAQ answered or offered, 64.0% answered right at 98.9%, 2.2% of those not in the FAQ
    answered; the floors guard those figures, and the issue's targets hold on it (not on the fourth set). A
    development set of the near-paraphrase answer and the anchored margin since: 75.0% answered right at 99.0%."""
    day_one_fifth = day_one_set("dayone5")
    assert day_one_fifth["wrong_answered"] <= 0.006 and day_one_fifth["answered_or_offered"] >= 0.97
    assert day_one_fifth["oos_answered"] <= 0.023 and day_one_fifth["answered_correct"] >= 0.745


def test_sixth_day_one_set_measured_once() -> None:
    """Written blind on 2026-12-06, frozen, measured once at 3a43677 with the code the fourth and fifth sets were
    measured with: 0.6% wrong automatic answers of all (1 of 181; 1.1% without the other-authority check, same
    hour), 98.6% of those in the FAQ answered or offered, 64.0% answered right at 98.9%, 2.4% of those not in the
    FAQ answered; the floors guard those figures. A development set of the near-paraphrase answer and the
    anchored margin since: 74.8% answered right at 99.0%; 74.1% with the pages' lead beside entries with variants
    (one right answer offered instead)."""
    day_one_sixth = day_one_set("dayone6")
    assert day_one_sixth["wrong_answered"] <= 0.006 and day_one_sixth["answered_or_offered"] >= 0.985
    assert day_one_sixth["oos_answered"] <= 0.024 and day_one_sixth["answered_correct"] >= 0.74


def test_seventh_day_one_set_measured_once() -> None:
    """Written blind on 2026-12-06, frozen before the near-paraphrase answer (decision.KEY_SCORE), measured once with
    it: 1.7% wrong automatic answers of all (3 of 180, near misses; the same without it, same run), every question
    of the FAQ answered or offered, 71.9% answered right at 97.0% (66.7% at 96.8% without it), 6.7% of those not
    in the FAQ answered. With the anchored margin (chosen without it): 74.8% at 97.1%, no wrong answer more. With
    the pages' lead beside entries with variants (chosen with it): 1 wrong (0.6%), 2.2% of those not in the FAQ
    answered; the floors guard those figures."""
    day_one_seventh = day_one_set("dayone7")
    assert day_one_seventh["wrong_answered"] <= 0.006 and day_one_seventh["answered_or_offered"] >= 0.99
    assert day_one_seventh["oos_answered"] <= 0.023 and day_one_seventh["answered_correct"] >= 0.745


def test_eighth_day_one_set_measured_once() -> None:
    """Written blind on 2026-12-06, frozen before the anchored margin (decision.ANCHOR_SCORE), measured once with
    it: 0.6% wrong automatic answers of all (1 of 180: "comment on fait pour divorcer ? c'est aussi à la mairie,
    comme le mariage ?" answered with the marriage entry; none without it, same run), 94.8% of those in the FAQ
    answered or offered, 40.7% answered right at 98.2% (39.3% at 100% without it), 2.2% of those not in the FAQ
    answered; the floors guard those figures."""
    day_one_eighth = day_one_set("dayone8")
    assert day_one_eighth["wrong_answered"] <= 0.006 and day_one_eighth["answered_or_offered"] >= 0.945
    assert day_one_eighth["oos_answered"] <= 0.023 and day_one_eighth["answered_correct"] >= 0.405


def test_ninth_day_one_set_measured_once() -> None:
    """Written blind on 2026-12-07, frozen before the pages' lead beside entries with variants
    (decision.ELSEWHERE_WRITTEN_LEAD), measured once with it: 1.1% wrong automatic answers of all (2 of 180, near
    misses: a market stall's permit answered with the market's days, a car bonus with the bike bonus; the same
    without it, same run), 99.3% of those in the FAQ answered or offered, 65.9% answered right at 97.8%, 4.4% of
    those not in the FAQ answered; the floors guard those figures."""
    day_one_ninth = day_one_set("dayone9")
    assert day_one_ninth["wrong_answered"] <= 0.012 and day_one_ninth["answered_or_offered"] >= 0.99
    assert day_one_ninth["oos_answered"] <= 0.045 and day_one_ninth["answered_correct"] >= 0.655


def pooled_wrong(names: tuple[str, ...]) -> tuple[int, int]:
    """Wrong automatic answers and messages, summed over day-one sets."""
    sets = [day_one_set(name) for name in names]
    sizes = [int(found["in_scope"] + found["out_of_scope"]) for found in sets]
    return sum(round(found["wrong_answered"] * size) for found, size in zip(sets, sizes, strict=True)), sum(sizes)


def test_day_one_sets_pooled_keep_their_figures() -> None:
    """The fourth to sixth sets, measured once each before the near-paraphrase answer: 5 wrong automatic answers of
    542 (0.9%, issue 22's target met); with it, 6 (1.1%); with the pages' lead beside entries with variants, 4
    (0.7%): development figures. The seventh, measured once with the near-paraphrase answer: 3 of 180 (1 with the
    pages' lead, chosen with it). The eighth, measured once with the anchored margin: 1 of 180. The ninth, measured
    once with the pages' lead: 2 of 180."""
    wrong, messages = pooled_wrong(("dayone4", "dayone5", "dayone6"))
    assert messages == 542 and wrong <= 4, wrong
    wrong, messages = pooled_wrong(("dayone7",))
    assert messages == 180 and wrong <= 1, wrong
    wrong, messages = pooled_wrong(("dayone8",))
    assert messages == 180 and wrong <= 1, wrong
    wrong, messages = pooled_wrong(("dayone9",))
    assert messages == 180 and wrong <= 2, wrong
    assert all(day_one_set(name)["answered_or_offered"] >= 0.97 for name in ("dayone4", "dayone5", "dayone6",
                                                                              "dayone7"))


def test_day_one_sets_pooled_reach_the_issue_target() -> None:
    """The day-one sets measured once since the other-authority check, pooled with today's decision: 8 wrong
    automatic answers of 1,082 (0.7%, target 1%; 10 of 902 before the pages' lead beside entries with variants).
    Partly a development figure: that lead was chosen on the fourth to eighth sets (6 of 902 with it), and the ninth,
    written after, gave 2 of 180 with and without it."""
    wrong, messages = pooled_wrong(("dayone4", "dayone5", "dayone6", "dayone7", "dayone8", "dayone9"))
    assert messages == 1082 and wrong / messages <= 0.01, (wrong, messages)
