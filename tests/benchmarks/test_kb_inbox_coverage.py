"""The training inbox's protocol with the real model (``pytest -m model``): half of a frozen set's questions labelled
as an editor would, the other half measured before and after. Confirming citizens' questions as variants must not
cost the other citizens' wordings. Floors are what was measured (docs/training-inbox.md), on the sets measured
once with this protocol: foreign11 to foreign14 (FAQs of fiches alone) and mixed2 (fiches beside the shipped
FAQ)."""

from __future__ import annotations

import functools

import pytest

from benchmarks.kb_inbox_coverage import MODEL, InboxRun, run_protocol

pytestmark = pytest.mark.model
SLACK = 1e-9


@functools.cache
def inbox_run(name: str) -> InboxRun:
    if not (MODEL / "modules.json").is_file():
        pytest.fail(f"no embedding model at {MODEL}: run `make install`")
    run = run_protocol(name)
    assert run.leaks == 0, "held-out questions entered the knowledge base: the measure is void"
    return run


# measured once, 2026-12-07 (docs/training-inbox.md): the held-out half's coverage (answered right), before -> after;
# foreign11 75.0% -> 70.6% at 99.1% precision (-10.0 points before an entry counted as written only from three
# variants everywhere), mixed2 48.0% -> 48.0% at 90.0% (-13.3 points before); out of scope answered unchanged on both
# foreign12 (2026-12-07 12:21 UTC) 67.5% -> 62.5% at 99.0% (top-1 92.5% -> 95.0%, out of scope answered 4% -> 2%), and
# 67.5% -> 65.6% at 99.1% since the inbox's out-of-scope questions set no level (a development figure); foreign13,
# measured once with that change (2026-12-07 18:45 UTC), 66.9% -> 63.7% at 99.0%, out of scope answered 2% -> 2%
# foreign14, measured once (2026-12-07 21:39 UTC, c7dbf1e): 62.5% -> 58.8% at 94.9% (96.2% before), top-1 91.2% ->
# 91.2%, out of scope answered 8% -> 10% (4 -> 5 of 50): the one set where the inbox let one more near miss through
FLOORS = {"foreign11": (-0.045, 0.99, 0.0), "foreign12": (-0.02, 0.99, 0.0), "foreign13": (-0.033, 0.99, 0.0),
          "foreign14": (-0.045, 0.94, 0.02), "mixed2": (0.0, 0.90, 0.0)}  # coverage change, precision, more OOS


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_confirmed_questions_do_not_cost_other_wordings(name: str) -> None:
    run = inbox_run(name)
    change, precision, more_out_of_scope = FLOORS[name]
    assert run.after["answered_correct"] - run.before["answered_correct"] >= change - SLACK, (run.before, run.after)
    assert run.after["answer_precision"] >= precision - SLACK, run.after
    assert run.after["oos_answered"] <= run.before["oos_answered"] + more_out_of_scope + SLACK, (run.before, run.after)


@pytest.mark.parametrize("name", [
    pytest.param("foreign11", marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
        "a FAQ of fiches alone: confirmed questions still cost 4.4 points of coverage on other wordings (foreign11, "
        "75.0% -> 70.6%, measured once)"))),
    pytest.param("foreign12", marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
        "a FAQ of fiches alone: confirmed questions raise top-1 (92.5% -> 95.0%) but cost 5.0 points of coverage on "
        "other wordings (foreign12, 67.5% -> 62.5%, measured once; -1.9 points since the inbox's out-of-scope "
        "questions set no level): the decision grows more cautious"))),
    pytest.param("foreign13", marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
        "a FAQ of fiches alone: confirmed questions cost 3.2 points of coverage on other wordings (foreign13, "
        "66.9% -> 63.7%, measured once)"))),
    pytest.param("foreign14", marks=pytest.mark.xfail(strict=True, raises=AssertionError, reason=(
        "a FAQ of fiches alone: confirmed questions cost 3.7 points of coverage on other wordings (foreign14, "
        "62.5% -> 58.8%, measured once)")))])
def test_on_a_faq_of_fiches_confirmed_questions_raise_coverage(name: str) -> None:
    run = inbox_run(name)
    assert run.after["answered_correct"] >= run.before["answered_correct"], (run.before, run.after)
