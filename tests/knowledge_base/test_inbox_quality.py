"""Production quality figures: Wilson intervals, weekly shares answered (the Journal's computation), precision
from reviewed questions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from guichet.models import InboxItem, SearchLog, utcnow
from handoff_api.production_quality import answer_quality, weekly_quality
from knowledge_base.inbox_quality import precision, wilson


def test_wilson_matches_the_textbook_values() -> None:
    interval = wilson(8, 10)
    assert interval is not None
    assert (round(interval.low, 4), round(interval.high, 4)) == (0.4902, 0.9433)  # Wilson 1927, z = 1.96
    everything = wilson(20, 20)
    assert everything is not None and everything.high == 1.0 and round(everything.low, 4) == 0.8389
    assert wilson(0, 0) is None
    with pytest.raises(ValueError, match="successes: 5"):
        wilson(5, 3)


def test_weekly_quality_and_reviewed_precision(session_factory: sessionmaker[Session]) -> None:
    now = utcnow()
    with session_scope(session_factory) as session:
        for days, decision in ((1, "answer"), (2, "handoff"), (3, "answer"), (9, "clarify"), (10, "answer")):
            session.add(SearchLog(conversation_id="c", text="q", decision=decision, created_at=now - timedelta(days)))
        # detached from its deleted conversation by the retention purge: still a citizen's question
        session.add(SearchLog(conversation_id=None, text="q", decision="handoff", created_at=now - timedelta(hours=1)))
        hits = [{"id": "a", "score": 0.9, "question": "A"}, {"id": "b", "score": 0.8, "question": "B"}]
        for status, entry_id in (("confirmed", "a"), ("confirmed", "a"), ("confirmed", "b"), ("out_of_scope", None),
                                 ("dismissed", None), ("open", None)):
            session.add(InboxItem(text="q", decision="answer", hits=hits, status=status, entry_id=entry_id))
        session.add(InboxItem(text="q", decision="clarify", hits=hits, status="confirmed", entry_id="a"))
    with session_scope(session_factory) as session:
        shares = weekly_quality(session, now=now, weeks=3)
        found = precision(session)
        journal_week = answer_quality(session, start=shares[0].start, end=shares[0].end)
    assert [(w.quality.questions, w.quality.answered) for w in shares] == [(4, 2), (2, 1), (0, 0)]
    assert shares[0].quality == journal_week  # the KB page and the Journal give the same figure
    assert shares[2].quality.automatic_share is None
    assert found is not None and (found.successes, found.total) == (2, 4)
