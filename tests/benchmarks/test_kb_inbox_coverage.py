"""The training inbox's protocol with the real model (``pytest -m model``): half of a frozen set's questions labelled
as an editor would, the other half measured before and after. Confirming citizens' questions as variants must not
cost the other citizens' wordings. Floors are what was measured (docs/training-inbox.md)."""

from __future__ import annotations

import functools

import pytest

from benchmarks.kb_inbox_coverage import MODEL, InboxRun, run_protocol

pytestmark = pytest.mark.model


@functools.cache
def inbox_run(name: str) -> InboxRun:
    if not (MODEL / "modules.json").is_file():
        pytest.fail(f"no embedding model at {MODEL}: run `make install`")
    run = run_protocol(name)
    assert run.leaks == 0, "held-out questions entered the knowledge base: the measure is void"
    return run


# measured 2026-12-07 (docs/training-inbox.md): the held-out half's coverage (answered right), before -> after
# foreign 68.4% -> 69.5% at 98.4% precision, 4% of out of scope answered before and after; mixed1 (the shipped FAQ and
# 60 fiches) 52.0% -> 49.3% at 92.5%, 8% before and after
FLOORS = {"foreign": (0.0, 0.98), "mixed1": (-0.03, 0.92)}  # coverage change, precision after


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_confirmed_questions_do_not_cost_other_wordings(name: str) -> None:
    run = inbox_run(name)
    change, precision = FLOORS[name]
    assert run.after["answered_correct"] - run.before["answered_correct"] >= change, (run.before, run.after)
    assert run.after["answer_precision"] >= precision, run.after
    assert run.after["oos_answered"] <= run.before["oos_answered"], (run.before, run.after)


@pytest.mark.xfail(strict=True, raises=AssertionError, reason="fiches beside the shipped FAQ: confirmed questions "
                   "still cost 2.7 points of coverage on other wordings (52.0% -> 49.3%; 14.7 points before each "
                   "entry counted as written only from 3 variants)")
def test_beside_a_written_faq_confirmed_questions_raise_coverage() -> None:
    run = inbox_run("mixed1")
    assert run.after["answered_correct"] >= run.before["answered_correct"], (run.before, run.after)
