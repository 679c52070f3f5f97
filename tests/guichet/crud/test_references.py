"""A new handoff never gets a reference another handoff already has: the draw is repeated on a collision
(5 characters of 32: collisions start around a few thousand handoffs)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from guichet.crud import conversations as conv_crud
from guichet.crud import handoffs as crud
from guichet.crud.agents import ensure_departments
from guichet.db import make_engine, make_session_factory, session_scope
from guichet.migrate import upgrade
from guichet.opening_hours import OpeningHours
from guichet.settings import Settings
from testing.hours import ALWAYS_OPEN

HOURS = OpeningHours.parse(ALWAYS_OPEN, "Europe/Paris")


def open_one(session: Session, conversation_id: str) -> str:
    conversation = conv_crud.get_conversation(session, conversation_id=conversation_id)
    handoff, _ = crud.create_handoff(session, conversation=conversation, department="voirie",
                                     reason="unanswered", summary="", hours=HOURS, first_response_hours=8,
                                     reopen_window=timedelta(hours=1), actor="test")
    return handoff.reference


def test_a_drawn_reference_already_taken_is_drawn_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(Settings(var_dir=tmp_path, _env_file=None))
    upgrade(engine)
    factory = make_session_factory(engine)
    draws: Iterator[str] = iter(["G-AAAAA", "G-AAAAA", "G-AAAAA", "G-BBBBB"])
    monkeypatch.setattr(crud, "new_reference", lambda: next(draws))
    with session_scope(factory) as session:
        ensure_departments(session)
        first = conv_crud.new_conversation(session, channel="webchat").id
        second = conv_crud.new_conversation(session, channel="webchat").id
    with session_scope(factory) as session:
        assert open_one(session, first) == "G-AAAAA"
    with session_scope(factory) as session:
        assert open_one(session, second) == "G-BBBBB"


def test_no_unused_reference_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = make_engine(Settings(var_dir=tmp_path, _env_file=None))
    upgrade(engine)
    factory = make_session_factory(engine)
    monkeypatch.setattr(crud, "new_reference", lambda: "G-AAAAA")
    with session_scope(factory) as session:
        ensure_departments(session)
        first = conv_crud.new_conversation(session, channel="webchat").id
        second = conv_crud.new_conversation(session, channel="webchat").id
    with session_scope(factory) as session:
        open_one(session, first)
    with session_scope(factory) as session, pytest.raises(RuntimeError, match="no unused handoff reference"):
        open_one(session, second)
