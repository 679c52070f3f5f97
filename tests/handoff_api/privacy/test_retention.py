"""Retention: bot-only conversations deleted after 30 days, the others anonymised after 12 months."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from guichet.models import (
    AuditEntry,
    Conversation,
    Feedback,
    Handoff,
    HandoffEvent,
    KeyValue,
    Message,
    OutboxItem,
    SearchLog,
)
from guichet.settings import Settings
from handoff_api.cli import main
from handoff_api.privacy.retention import purge
from handoff_api.privacy.schedule import next_run, retention_task

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
SECRET = "Rappelez-moi au 06 12 34 56 78, j'habite 3 rue de la Paix"


def conversation(session: Session, *, days_ago: int, person: str | None = None,
                 open_handoff: bool = False) -> str:
    """A conversation last active ``days_ago`` days before NOW; ``person``: "handoff" or "agent"."""
    at = NOW - timedelta(days=days_ago)
    conv = Conversation(id=uuid.uuid4().hex, channel="x_dm", external_ref=uuid.uuid4().hex, citizen_handle="@martine",
                        token_hash="abc", created_at=at, last_message_at=at)
    session.add(conv)
    session.flush()
    asked = Message(conversation_id=conv.id, author="citizen", channel="x_dm", text=SECRET, created_at=at,
                    external_id=uuid.uuid4().hex, payload={"user": {"screen_name": "martine"}})
    session.add(asked)
    session.flush()
    reply = Message(conversation_id=conv.id, author="bot", channel="x_dm", text="Je transmets.", kind="handoff",
                    created_at=at, reply_to_id=asked.id)
    session.add(reply)
    session.flush()
    session.add(OutboxItem(conversation_id=conv.id, message_id=reply.id, channel="x_dm", status="sent",
                           payload={"text": "Je transmets.", "reply_to": asked.external_id}))
    session.add(SearchLog(conversation_id=conv.id, text="Rappelez-moi au [téléphone]", decision="handoff",
                          created_at=at))
    if person == "agent":
        session.add(Message(conversation_id=conv.id, author="agent", channel="x_dm", text="Bonjour Martine",
                            created_at=at))
    if person == "handoff":
        handoff = Handoff(reference=f"G-{uuid.uuid4().hex[:5].upper()}", conversation_id=conv.id,
                          department="voirie", reason="report_problem", summary=SECRET, channel="x_dm",
                          status="waiting" if open_handoff else "resolved",
                          details={"problem_type": "lampadaire", "place": "3 rue de la Paix"}, created_at=at,
                          updated_at=at, first_response_due=at)
        session.add(handoff)
        session.flush()
        session.add(HandoffEvent(handoff_id=handoff.id, actor="bot", action="reopen",
                                 detail={"summary": SECRET}, created_at=at))
    return conv.id


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_purge_deletes_anonymises_and_reports(session_factory: sessionmaker[Session], settings: Settings) -> None:
    with session_scope(session_factory) as session:
        recent_bot = conversation(session, days_ago=29)
        old_bot = conversation(session, days_ago=31)
        old_agent = conversation(session, days_ago=200, person="agent")
        expired_agent = conversation(session, days_ago=400, person="agent")
        expired_handoff = conversation(session, days_ago=366, person="handoff")
        still_open = conversation(session, days_ago=500, person="handoff", open_handoff=True)
    with session_scope(session_factory) as session:
        dry = purge(session, settings=settings, now=NOW, dry_run=True)
    assert (dry.deleted.conversations, dry.deleted.messages) == (1, 2)
    assert (dry.anonymised.conversations, dry.anonymised.messages, dry.anonymised.handoffs) == (2, 5, 1)
    assert dry.skipped_open_handoff == 1 and dry.search_logs_deleted == 3
    assert "would delete 1 bot-only conversation(s)" in dry.summary()
    with session_scope(session_factory) as session:
        assert count(session, Conversation) == 6  # a dry run changes nothing
        report = purge(session, settings=settings, now=NOW)
    assert report.as_dict()["deleted"]["conversations"] == 1 and report.anonymised.conversations == 2
    with session_scope(session_factory) as session:
        assert session.get(Conversation, old_bot) is None
        assert session.scalar(select(func.count()).select_from(Message)
                              .where(Message.conversation_id == old_bot)) == 0
        for kept in (recent_bot, old_agent, still_open):
            conv = session.get(Conversation, kept)
            assert conv is not None and conv.anonymised_at is None and conv.citizen_handle == "@martine"
        for gone in (expired_agent, expired_handoff):
            conv = session.get(Conversation, gone)
            assert conv is not None and conv.anonymised_at is not None
            assert (conv.citizen_handle, conv.external_ref, conv.token_hash) == (None, None, None)
            texts = [m.text for m in conv.messages]
            assert "Rappelez-moi au [téléphone], j'habite [adresse]" in texts
            assert all(m.external_id is None for m in conv.messages)
            assert all(m.payload is None for m in conv.messages if m.author == "citizen")
        handoff = session.scalars(select(Handoff).where(Handoff.conversation_id == expired_handoff)).one()
        assert handoff.details == {"problem_type": "lampadaire", "place": "[adresse]"}
        assert "06 12" not in handoff.summary and "06 12" not in str(handoff.events[0].detail)
        assert session.scalar(select(func.count()).select_from(OutboxItem).where(
            OutboxItem.conversation_id.in_([expired_agent, expired_handoff]))) == 0
        logs = list(session.scalars(select(SearchLog)))
        assert len(logs) == 3  # the three older than 12 months are gone
        assert sum(1 for log in logs if log.conversation_id is None) == 1  # the deleted one's, detached
    with session_scope(session_factory) as session:
        again = purge(session, settings=settings, now=NOW)
    assert (again.deleted.conversations, again.anonymised.conversations) == (0, 0)  # idempotent


def test_weekly_answer_counts_are_kept_before_deleting(session_factory: sessionmaker[Session],
                                                       settings: Settings) -> None:
    with session_scope(session_factory) as session:
        conv = conversation(session, days_ago=26)
        session.add(Message(conversation_id=conv, author="bot", channel="x_dm", text="7h-20h", kind="answer",
                            faq_id="piscines-horaires", created_at=NOW - timedelta(days=26)))
    with session_scope(session_factory) as session:  # the daily job on 30 November keeps week 45's counts ...
        assert purge(session, settings=settings, now=NOW).deleted.conversations == 0
    with session_scope(session_factory) as session:  # ... before 5 December's deletes its conversations
        assert purge(session, settings=settings, now=NOW + timedelta(days=5)).deleted.conversations == 1
    with session_scope(session_factory) as session:
        assert session.get(Conversation, conv) is None
        snapshot = session.get(KeyValue, "journal.answers.2026-W45")
        assert snapshot is not None and snapshot.value == {"piscines-horaires": 1}


def test_purge_command(session_factory: sessionmaker[Session], settings: Settings, monkeypatch: pytest.MonkeyPatch,
                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GUICHET_VAR_DIR", str(settings.var_dir))
    with session_scope(session_factory) as session:
        conversation(session, days_ago=45)
    assert main(["purge", "--dry-run"]) == 0
    assert "would delete 1 bot-only conversation(s)" in capsys.readouterr().out
    assert main(["purge", "--json"]) == 0
    out = capsys.readouterr().out
    assert "deleted 1 bot-only conversation(s)" in out and '"dry_run": false' in out


def test_the_daily_job_is_registered_and_runs_at_half_past_three(client) -> None:  # type: ignore[no-untyped-def]
    assert retention_task in client.app.state.background_tasks
    paris = ZoneInfo("Europe/Paris")
    assert next_run(datetime(2026, 11, 30, 1, 0, tzinfo=UTC), paris).isoformat() == "2026-11-30T03:30:00+01:00"
    assert next_run(datetime(2026, 11, 30, 3, 0, tzinfo=UTC), paris).isoformat() == "2026-12-01T03:30:00+01:00"


def test_purge_deletes_in_chunks_past_the_database_variable_limit(settings: Settings,
                                                                    session_factory: sessionmaker[Session]) -> None:
    import sqlite3

    from sqlalchemy import event

    engine = session_factory.kw["bind"]
    engine.dispose()
    event.listen(engine, "connect",
                 lambda connection, _record: connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 50))
    with session_scope(session_factory) as session:
        for _ in range(120):
            conversation(session, days_ago=40)
        for _ in range(70):
            conversation(session, days_ago=400, person="agent")
    chunked = settings.model_copy(update={"purge_chunk_size": 20})
    with session_scope(session_factory) as session:
        report = purge(session, settings=chunked, now=NOW)
    assert report.deleted.conversations == 120
    assert report.anonymised.conversations == 70
    with session_factory() as session:
        assert session.scalar(select(func.count()).select_from(Conversation)) == 70


def test_audit_log_rows_go_after_their_retention(session_factory: sessionmaker[Session], settings: Settings) -> None:
    with session_scope(session_factory) as session:
        for days in (400, 366, 364, 1):
            session.add(AuditEntry(actor="unknown:ab12", action="console.login_failed", target="console",
                                   created_at=NOW - timedelta(days=days)))
    with session_scope(session_factory) as session:
        report = purge(session, settings=settings.model_copy(update={"audit_retention_days": 365}), now=NOW)
    assert report.audit_entries_deleted == 2 and "2 audit-log row(s)" in report.summary()
    with session_scope(session_factory) as session:
        left = sorted(NOW - row.created_at.replace(tzinfo=UTC) for row in session.scalars(select(AuditEntry)))
    assert left == [timedelta(days=1), timedelta(days=364)]


def test_feedback_of_a_deleted_bot_only_conversation_is_kept_detached(session_factory: sessionmaker[Session],
                                                                      settings: Settings) -> None:
    with session_scope(session_factory) as session:
        old = conversation(session, days_ago=40)
        answer = Message(conversation_id=old, author="bot", channel="x_dm", text="7h-20h", kind="answer",
                         faq_id="piscines-horaires", created_at=NOW - timedelta(days=40))
        session.add(answer)
        session.flush()
        log = session.scalars(select(SearchLog).where(SearchLog.conversation_id == old)).one()
        session.add(Feedback(kind="answer", helpful=False, source="reply", channel="x_dm", conversation_id=old,
                             message_id=answer.id, search_log_id=log.id, faq_id="piscines-horaires",
                             department="sports", created_at=answer.created_at, updated_at=answer.created_at))
    with session_scope(session_factory) as session:
        report = purge(session, settings=settings, now=NOW)
        assert report.deleted.conversations == 1 and report.deleted.feedback == 0
    with session_scope(session_factory) as session:
        row = session.scalars(select(Feedback)).one()
        assert (row.conversation_id, row.message_id, row.reply_message_id) == (None, None, None)
        assert (row.helpful, row.faq_id, row.department) == (False, "piscines-horaires", "sports")
        assert row.search_log_id is not None and session.get(SearchLog, row.search_log_id) is not None
    with session_scope(session_factory) as session:  # after the retention period, the detached row goes too
        report = purge(session, settings=settings, now=NOW + timedelta(days=settings.retention_days))
        assert report.feedback_deleted == 1 and "1 detached feedback row(s)" in report.summary()
    with session_scope(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(Feedback)) == 0
