"""Retention and erasure delete Rasa's tracker events of the conversations they remove, and only those."""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from guichet.models import Role
from guichet.settings import Settings
from handoff_api.commands import migrated_session_factory
from handoff_api.main import create_app
from handoff_api.privacy.access import erase_subject
from handoff_api.privacy.rasa_trackers import RasaTrackers
from handoff_api.privacy.retention import purge
from testing.hours import ALWAYS_OPEN
from tests.handoff_api.privacy.test_retention import NOW, conversation
from tests.handoff_api.test_admin_api import make_account

# The table as Rasa 3.6's SQLTrackerStore creates it (rasa/core/tracker_store.py, SQLEvent)
RASA = MetaData()
EVENTS = Table("events", RASA, Column("id", Integer, primary_key=True), Column("sender_id", String(255), index=True),
               Column("type_name", String(255)), Column("timestamp", Float), Column("intent_name", String(255)),
               Column("action_name", String(255)), Column("data", Text))


def rasa_wrote(url: str, senders: dict[str, int]) -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    RASA.create_all(engine)
    with engine.begin() as connection:
        for sender, count in senders.items():
            connection.execute(EVENTS.insert(), [{"sender_id": sender, "type_name": "user", "timestamp": 1.0,
                                                  "data": '{"text": "06 12 34 56 78"}'} for _ in range(count)])
    engine.dispose()


def left(url: str) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(select(EVENTS.c.sender_id, func.count()).group_by(EVENTS.c.sender_id)).all()
    engine.dispose()
    return {sender: count for sender, count in rows}


def settings_on(tmp_path: Path, database_url: str) -> Settings:
    return Settings(var_dir=tmp_path / "var", database_url=database_url, service_token="t",
                    opening_hours=ALWAYS_OPEN, _env_file=None)


def test_purge_deletes_the_trackers_of_deleted_and_anonymised_conversations(tmp_path: Path,
                                                                             database_url: str) -> None:
    settings = settings_on(tmp_path, database_url)
    factory: sessionmaker[Session] = migrated_session_factory(settings)
    with session_scope(factory) as session:
        recent = conversation(session, days_ago=2)
        old_bot = conversation(session, days_ago=31)
        expired_agent = conversation(session, days_ago=400, person="agent")
    url = settings.resolved_tracker_store_url
    assert (url == database_url) == database_url.startswith("postgresql")  # PostgreSQL: one database
    rasa_wrote(url, {recent: 3, old_bot: 4, expired_agent: 5})
    with session_scope(factory) as session:
        assert purge(session, settings=settings, now=NOW, dry_run=True).rasa_events_deleted == 9
    assert left(url) == {recent: 3, old_bot: 4, expired_agent: 5}
    with session_scope(factory) as session:
        report = purge(session, settings=settings, now=NOW)
    assert report.rasa_events_deleted == 9 and "9 Rasa tracker event(s)" in report.summary()
    assert left(url) == {recent: 3}
    factory.kw["bind"].dispose()


def test_erasure_through_the_api_deletes_rasa_events(tmp_path: Path, database_url: str) -> None:
    settings = settings_on(tmp_path, database_url)
    with TestClient(create_app(settings)) as client:
        factory = client.app.state.session_factory  # type: ignore[attr-defined]
        with session_scope(factory) as session:
            mine, other = conversation(session, days_ago=1), conversation(session, days_ago=1)
        rasa_wrote(settings.resolved_tracker_store_url, {mine: 2, other: 1, uuid.uuid4().hex: 1})
        admin = make_account(client, "root", Role.ADMIN)
        response = client.delete("/api/admin/citizens", params={"conversation_id": mine}, headers=admin)
        assert response.status_code == 200, response.text
        assert response.json()["erased"]["rasa_events"] == 2
    assert mine not in left(settings.resolved_tracker_store_url)
    assert left(settings.resolved_tracker_store_url)[other] == 1


def test_nothing_to_delete_before_rasa_ever_ran(tmp_path: Path) -> None:
    settings = settings_on(tmp_path, "")
    factory = migrated_session_factory(settings)
    with session_scope(factory) as session:
        mine = conversation(session, days_ago=1)
    with session_scope(factory) as session:
        counts = erase_subject(session, actor="t", trackers=RasaTrackers.from_settings(settings),
                               conversation_id=mine)
        assert counts.rasa_events == 0 and counts.conversations == 1
        assert session.execute(text("SELECT 1")).scalar() == 1


def test_a_tracker_store_of_its_own_named_with_rasas_driver(tmp_path: Path, postgres_url: str) -> None:
    """GUICHET_RASA_TRACKER_STORE_URL may name another database, even as Rasa writes it (psycopg2)."""
    from sqlalchemy.engine import make_url

    settings = Settings(var_dir=tmp_path / "var", rasa_tracker_store_url=make_url(postgres_url).set(
        drivername="postgresql").render_as_string(hide_password=False), _env_file=None)
    trackers = RasaTrackers.from_settings(settings)
    assert not trackers.same_database
    factory = migrated_session_factory(settings)
    with session_scope(factory) as session:
        mine = conversation(session, days_ago=1)
    rasa_wrote(postgres_url, {mine: 3, "someone-else": 1})
    with session_scope(factory) as session:
        assert trackers.forget(session, conversation_ids=[mine]) == 3
    assert left(postgres_url) == {"someone-else": 1}
