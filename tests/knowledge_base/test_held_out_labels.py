"""Labelled inbox questions ranked without their own variant or off-topic example, then everything put back."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from guichet.models import InboxItem
from knowledge_base import inbox_store, off_topic_store
from knowledge_base.evaluation import Question
from knowledge_base.hashing_encoder import HashingEncoder
from knowledge_base.held_out_labels import rank_held_out
from knowledge_base.yaml_files import import_path

from .conftest import make_knowledge_base

CONFIRMED = "nager tôt le dimanche matin au bassin"
OUT_OF_SCOPE = "le score du match de foot de demain soir"


@pytest.fixture
def taught(session_factory: sessionmaker[Session], sample_file: Path) -> sessionmaker[Session]:
    """The sample FAQ, one inbox question confirmed as a variant, one marked out of scope."""
    assert import_path(session_factory, sample_file, actor="test").ok
    with session_scope(session_factory) as session:
        confirmed = InboxItem(text=CONFIRMED, decision="clarify", status="open")
        outside = InboxItem(text=OUT_OF_SCOPE, decision="clarify", status="open")
        session.add_all([confirmed, outside])
        session.flush()
        inbox_store.confirm(session, item_id=confirmed.id, entry_id="piscines-horaires", actor="editor")
        inbox_store.out_of_scope(session, item_id=outside.id, actor="editor")
        for text in ("le match de foot ce soir", "une bonne pizzeria en ville", "raconte-moi une blague"):
            off_topic_store.create_example(session, text=text, kind="chitchat", actor="editor")
    return session_factory


def test_a_learnt_question_is_ranked_without_itself(taught: sessionmaker[Session], encoder: HashingEncoder) -> None:
    knowledge_base = make_knowledge_base(taught, encoder)
    questions = [Question(CONFIRMED, "piscines-horaires", "inbox"), Question(OUT_OF_SCOPE, None, "inbox")]
    _ranked, as_is = knowledge_base.analyse(CONFIRMED)
    _ranked, outside_as_is = knowledge_base.analyse(OUT_OF_SCOPE)
    assert as_is is not None and outside_as_is is not None
    assert outside_as_is.off_topic > 0.99  # its own example: the gap says "off topic" whatever the threshold

    confirmed, outside = rank_held_out(knowledge_base, questions, k=2)

    assert confirmed.question == questions[0] and outside.question == questions[1]
    assert confirmed.signals is not None and confirmed.signals.top < as_is.top - 0.05
    assert outside.signals is not None and outside.signals.off_topic < 0.9
    _ranked, again = knowledge_base.analyse(CONFIRMED)  # everything put back
    _ranked, outside_again = knowledge_base.analyse(OUT_OF_SCOPE)
    assert again is not None and again.as_dict() == pytest.approx(as_is.as_dict())
    assert outside_again is not None and outside_again.as_dict() == pytest.approx(outside_as_is.as_dict())


def test_one_fold_cannot_hold_anything_out(taught: sessionmaker[Session], encoder: HashingEncoder) -> None:
    with pytest.raises(ValueError, match="k: 1 folds"):
        rank_held_out(make_knowledge_base(taught, encoder), [Question(CONFIRMED, "piscines-horaires")], k=1)
