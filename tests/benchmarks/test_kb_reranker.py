"""The reranker benchmark's bookkeeping: which cases it trains on, and how it counts top-1, vetoes and promotions."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from benchmarks.kb_reranker import Case, Reranker, top1, training_groups, veto_and_promote
from guichet.settings import Settings
from testing.needs import unavailable


def case(expected: str | None, ids: list[str], *, decision: str = "answer") -> Case:
    return Case(f"question for {expected}", expected, [(i, 0.9 - 0.01 * n, f"text of {i}") for n, i in enumerate(ids)],
                decision)  # type: ignore[arg-type]


def test_training_keeps_the_right_entrys_position_and_takes_out_of_scope_questions_as_negatives() -> None:
    groups = training_groups([case("b", ["a", "b", "c"]), case(None, ["a", "b", "c", "d", "e"]),
                              case("z", ["a", "b"])])
    assert groups == [("question for b", ["text of a", "text of b", "text of c"], 1),
                      ("question for None", ["text of a", "text of b", "text of c", "text of d"], None)]


def test_top1_reorders_todays_candidates_by_the_blend() -> None:
    cases = [case("b", ["a", "b"]), case("a", ["a", "b"]), case(None, ["a", "b"])]
    logits = [[0.0, 1.0], [0.0, 1.0], [5.0, 0.0]]
    assert top1(cases, logits, None) == pytest.approx(0.5)  # today: "a" first both times
    assert top1(cases, logits, 0.05) == pytest.approx(0.5)  # 0.9 vs 0.89 + 0.05: "b" first both times
    assert top1(cases, logits, 0.001) == pytest.approx(0.5)  # too light to reorder
    assert top1([cases[0]], [logits[0]], 0.05) == 1.0


def test_vetoes_and_promotions_are_counted_by_outcome() -> None:
    cases = [case("a", ["a", "b"]), case("b", ["a", "b"]), case(None, ["a", "b"]),
             case("a", ["a", "b"], decision="clarify"), case("a", ["a", "b"], decision="clarify")]
    logits = [[2.0, 1.0], [0.0, 1.0], [1.0, 0.0], [4.0, 0.5], [1.0, 0.0]]
    assert veto_and_promote(cases, logits) == [
        "- today's automatic answers: right 1, wrong 1, out of scope 1; the reranker would veto "
        "right 0, wrong 1, out of scope 0",
        "- clarifications it would promote (logit margin >= 2.0): right 1, wrong 0, out of scope 0",
        "- clarifications it would promote (logit margin >= 3.0): right 1, wrong 0, out of scope 0"]


@pytest.mark.model
def test_a_question_longer_than_the_reader_is_cut_not_refused() -> None:
    model = Path(Settings().resolved_embedding_model)
    if not (model / "modules.json").is_file():
        unavailable(f"no embedding model at {model}: run `make install`")
    long = Case("mot " * 400, "a", [("a", 0.9, "court"), ("b", 0.8, "une entrée " * 200)], "answer")
    logits = Reranker(model).score(long)
    assert len(logits) == 2 and all(math.isfinite(value) for value in logits)
