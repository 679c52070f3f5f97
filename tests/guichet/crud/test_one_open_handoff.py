"""A conversation never has two open handoffs: writers racing to open one all get the same one, and an
older database with duplicates is repaired by its migration."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import func, select, text

from guichet.crud import conversations as conv_crud
from guichet.crud import handoffs as crud
from guichet.crud.agents import ensure_departments
from guichet.db import make_engine, make_session_factory, session_scope
from guichet.migrate import alembic_config, upgrade
from guichet.models import Handoff, HandoffEvent
from guichet.opening_hours import OpeningHours
from guichet.settings import Settings
from testing.hours import ALWAYS_OPEN

HOURS = OpeningHours.parse(ALWAYS_OPEN, "Europe/Paris")


def test_twenty_writers_open_one_handoff(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(Settings(var_dir=tmp_path, database_url=database_url, _env_file=None))
    upgrade(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        ensure_departments(session)
        conversation_id = conv_crud.new_conversation(session, channel="webchat").id

    barrier = threading.Barrier(20)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def open_one(writer: int) -> None:
        try:
            with session_scope(factory) as session:
                conversation = conv_crud.get_conversation(session, conversation_id=conversation_id)
                barrier.wait()
                handoff, is_new = crud.create_handoff(
                    session, conversation=conversation, department="voirie", reason="unanswered",
                    summary=f"writer {writer}", hours=HOURS, first_response_hours=8,
                    reopen_window=timedelta(hours=1), actor=f"writer{writer}")
                outcome = (handoff.id, is_new)
            with lock:
                results.append(outcome)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=open_one, args=(writer,)) for writer in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(results) == 20
    assert sum(is_new for _, is_new in results) == 1
    assert len({handoff_id for handoff_id, _ in results}) == 1
    with session_scope(factory) as session:
        handoffs = session.scalars(select(Handoff).where(Handoff.conversation_id == conversation_id)).all()
        assert [(h.id, h.status) for h in handoffs] == [(results[0][0], "waiting")]
        creations = session.scalar(select(func.count()).select_from(HandoffEvent)
                                   .where(HandoffEvent.action == "create"))
        assert creations == 1
    engine.dispose()


def test_migration_closes_older_duplicates(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(Settings(var_dir=tmp_path, database_url=database_url, _env_file=None))
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        ensure_departments(session)
        conversation = conv_crud.new_conversation(session, channel="x_dm")
        other = conv_crud.new_conversation(session, channel="webchat")
        for number, (owner, status) in enumerate([(conversation, "waiting"), (conversation, "assigned"),
                                                   (conversation, "waiting"), (other, "waiting")]):
            session.execute(text(
                "INSERT INTO handoffs (reference, conversation_id, status, department, reason, summary, channel,"
                " created_at, updated_at, first_response_due) VALUES (:reference, :conversation, :status,"
                " 'accueil', 'unanswered', '', :channel, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                {"reference": f"G-TEST{number}", "conversation": owner.id, "status": status,
                 "channel": owner.channel})
        conversation_id, other_id = conversation.id, other.id

    upgrade(engine)

    with session_scope(factory) as session:
        rows = session.execute(select(Handoff.reference, Handoff.status).order_by(Handoff.id)).all()
        assert [tuple(row) for row in rows] == [("G-TEST0", "resolved"), ("G-TEST1", "resolved"),
                                                 ("G-TEST2", "waiting"), ("G-TEST3", "waiting")]
        merged = session.execute(select(Handoff.reference, HandoffEvent.from_status).join(HandoffEvent)
                                 .where(HandoffEvent.action == "merge").order_by(Handoff.id)).all()
        assert [tuple(row) for row in merged] == [("G-TEST0", "waiting"), ("G-TEST1", "assigned")]
        assert crud.open_handoff_of(session, conversation_id=conversation_id).reference == "G-TEST2"  # type: ignore[union-attr]
        assert crud.open_handoff_of(session, conversation_id=other_id).reference == "G-TEST3"  # type: ignore[union-attr]
    engine.dispose()
