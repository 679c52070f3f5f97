"""A question written or confirmed for an entry, repeated word for word, is answered with that entry."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from knowledge_base.confirmed_match import confirmed_entry
from knowledge_base.decision import Thresholds
from knowledge_base.hashing_encoder import HashingEncoder
from knowledge_base.service import KnowledgeBase
from knowledge_base.store import create_entry
from knowledge_base.validation import EntryData

DEPOT = EntryData(id="depot", question="Comment déposer une demande d'urbanisme ?", answer="En ligne.",
                  department="urbanisme", variants=["peut-on déposer sa déclaration préalable par internet"])
DP = EntryData(id="dp", question="Quels travaux demandent une déclaration préalable ?", answer="Les petits.",
               department="urbanisme")


def test_word_for_word_only_and_only_for_the_first_candidate() -> None:
    assert confirmed_entry("Peut-on déposer sa DÉCLARATION préalable par Internet ?!", [DEPOT, DP]) == "depot"
    assert confirmed_entry("peut-on déposer sa déclaration préalable", [DEPOT, DP]) is None  # not the same words
    assert confirmed_entry("peut-on déposer sa déclaration préalable par internet", [DP, DEPOT]) is None  # 2nd
    both = EntryData(**{**DP.as_dict(), "variants": ["peut-on déposer sa déclaration préalable par internet"]})
    assert confirmed_entry("peut-on déposer sa déclaration préalable par internet", [DEPOT, both]) is None
    assert confirmed_entry("🙂", [DEPOT]) is None and confirmed_entry("x", []) is None


def test_the_search_answers_a_confirmed_question_its_thresholds_would_not(session_factory: sessionmaker[Session],
                                                                           encoder: HashingEncoder) -> None:
    with session_scope(session_factory) as session:
        for entry in (DEPOT, DP):
            create_entry(session, data=entry, actor="test")
    unreachable = Thresholds(answer_score=10.0, answer_margin=1.0, clarify_score=-10.0, answer_gap=-10.0,
                             clarify_gap=-10.0)
    knowledge_base = KnowledgeBase(encoder=encoder, session_factory=session_factory, dim=encoder.dim, sync_seconds=-1,
                                   thresholds=unreachable)
    knowledge_base.load()
    repeated = knowledge_base.search("Peut-on déposer sa déclaration préalable par internet ?")
    assert repeated.decision == "answer" and repeated.hits[0].id == "depot"
    other = knowledge_base.search("peut-on déposer sa déclaration préalable en ligne")
    assert other.decision == "clarify"
