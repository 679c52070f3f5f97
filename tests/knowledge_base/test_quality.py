"""Quality on knowledge_base/eval with the real model (``pytest -m model``).

Thresholds are the shipped absolute defaults (the fallback; the running decision follows the rule of
``adaptive``, guarded in test_generalization_quality.py), with the whole off-topic list; the decision
figures are also checked by cross-validation, which fits the thresholds without the question.
The issue's targets are asserted with the shipped thresholds; cross-validated, as an expected failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from guichet.settings import PROJECT_ROOT, Settings
from knowledge_base import calibration, evaluation
from knowledge_base.loader import load_knowledge_base
from knowledge_base.service import KnowledgeBase
from testing.needs import unavailable

pytestmark = pytest.mark.model
MODEL = Path(Settings().resolved_embedding_model)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[evaluation.Outcome]:
    if not (MODEL / "modules.json").is_file():
        unavailable(f"no embedding model at {MODEL}: run `make install`")
    from guichet.db import make_engine, make_session_factory
    from guichet.migrate import upgrade

    settings = Settings(var_dir=tmp_path_factory.mktemp("quality"), embedding_model=str(MODEL),
                        faq_path=PROJECT_ROOT / "knowledge_base" / "faq", seed_faq_on_start=True)
    engine = make_engine(settings)
    upgrade(engine)
    session_factory: sessionmaker[Session] = make_session_factory(engine)
    knowledge_base: KnowledgeBase = load_knowledge_base(settings, session_factory)
    knowledge_base.relative_off_topic = False  # today's decision: the whole off-topic list (the adaptive one:
    knowledge_base.update_profile()  # test_generalization_quality.py)
    questions = evaluation.load_questions(PROJECT_ROOT / "knowledge_base" / "eval")
    return evaluation.run_questions(knowledge_base.analyse, questions)


def figures(outcomes: list[evaluation.Outcome]) -> dict[str, float]:
    from knowledge_base.decision import DEFAULT_THRESHOLDS

    return evaluation.metrics(outcomes, evaluation.decisions_for(outcomes, DEFAULT_THRESHOLDS))


# What this model, FAQ and eval set reach today (see docs/benchmarks-kb.md): regressions fail.
# With the hubness penalty the refitted thresholds answer more (76.1% vs 73.3%) at 96.0% precision overall
# (97.3% before), 97.8% on in-scope questions (99.2% before); cross-validated: 76.4% at 94.7% (72.4% at 94.4%).
# Each variant measured against ordinary questions (per-key hubness, docs/benchmarks-kb.md) lowers the scores of
# questions matched through a variant: these absolute fallback thresholds, fitted before it, answer less (72.6%,
# 88.6% answered or offered), while the adaptive rule that runs gains (cross-validated 49.3% -> 52.1% at 96.3%).
FLOORS = {"top1": 0.92, "top3": 0.98, "mrr": 0.95, "answer_precision_in_scope": 0.97, "answered_correct": 0.72,
          "answered_or_offered": 0.88}
# The issue's targets for the absolute thresholds (``evaluation.TARGETS``): not met on the 190-entry FAQ (strict
# expected failures below).
missed = evaluation.missed_targets


def test_no_regression_with_the_shipped_thresholds(outcomes: list[evaluation.Outcome]) -> None:
    found = figures(outcomes)
    print("\n".join(evaluation.report_lines(found, "shipped thresholds")))
    assert {name: found[name] for name in FLOORS if found[name] < FLOORS[name]} == {}


def test_no_regression_cross_validated(outcomes: list[evaluation.Outcome]) -> None:
    found = evaluation.metrics(outcomes, calibration.cross_validate(outcomes, k=5))
    print("\n".join(evaluation.report_lines(found, "5-fold cross-validation")))
    # measured 57.3% at 95.7% on the 190-entry FAQ (2026-12-05); 76.4% on the 140-entry one: the 50 day-one
    # entries are near neighbours of many questions, and absolute thresholds do not follow (the adaptive rule does)
    assert found["answered_correct"] >= 0.55 and found["answer_precision"] >= 0.94


@pytest.mark.xfail(reason="the shipped absolute thresholds, fitted on the 140-entry FAQ, answer 10.1% of out of "
                          "scope at 93.7% precision on the 190-entry one; the running decision is the adaptive rule "
                          "(test_generalization_quality.py)", strict=True)
def test_issue_targets_shipped_thresholds(outcomes: list[evaluation.Outcome]) -> None:
    assert missed(figures(outcomes)) == []


@pytest.mark.xfail(reason="thresholds fitted without the question: 57.3% answered right (target 70%) at 95.7% "
                          "precision on the 190-entry FAQ (measured 2026-12-05)", strict=True)
def test_issue_targets_cross_validated(outcomes: list[evaluation.Outcome]) -> None:
    assert missed(evaluation.metrics(outcomes, calibration.cross_validate(outcomes, k=5))) == []


def test_encoder_matches_sentence_transformers() -> None:
    if not (MODEL / "modules.json").is_file():
        unavailable(f"no embedding model at {MODEL}")
    import numpy as np

    from knowledge_base.encoder import QUERY_MAX_TOKENS, SentenceTransformerEncoder

    encoder = SentenceTransformerEncoder(MODEL, precision="float32")
    texts = ["horaires piscine", "Comment refaire ma carte d'identité ?", "mot " * 1000]
    ours = encoder.encode_queries(texts)
    encoder.model.max_seq_length = QUERY_MAX_TOKENS
    reference = encoder.model.encode(texts, prompt_name="query", normalize_embeddings=True)
    assert np.abs(ours - reference).max() < 1e-4
