"""The Journal's "quality in production" section: automatic share, negative feedback, satisfaction per department."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from guichet.db import session_scope
from guichet.models import Conversation, Feedback, Handoff, InboxItem, Message, SearchLog
from guichet.opening_hours import OpeningHours
from guichet.settings import Settings
from handoff_api.commands import migrated_session_factory
from handoff_api.journal.render_html import html
from handoff_api.journal.render_text import csv_rows, markdown
from handoff_api.journal.report import build_report
from handoff_api.journal.weeks import parse_week

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=PARIS).astimezone(UTC)


def seed(session, *, at: datetime) -> None:  # type: ignore[no-untyped-def]
    """Ten questions, six answered automatically (two said « non »), three ratings in two departments."""
    conversation = Conversation(id=uuid.uuid4().hex, channel="webchat", created_at=at, last_message_at=at)
    session.add(conversation)
    session.flush()
    for number in range(10):
        answered = number < 6
        session.add(SearchLog(conversation_id=conversation.id, text=f"question {number}",
                              decision="answer" if answered else "handoff", created_at=at))
        session.add(Message(conversation_id=conversation.id, author="citizen", channel="webchat",
                            text=f"question {number}", created_at=at))
        if answered:
            answer = Message(conversation_id=conversation.id, author="bot", channel="webchat", text="réponse",
                             kind="answer", faq_id="piscines-horaires", created_at=at)
            session.add(answer)
            session.flush()
            if number < 3:
                session.add(Feedback(kind="answer", helpful=number == 0, source="button", channel="webchat",
                                     conversation_id=conversation.id, message_id=answer.id,
                                     faq_id="piscines-horaires", department="sports", created_at=at, updated_at=at))
    for number, (department, helpful) in enumerate([("voirie", True), ("voirie", False), ("etat-civil", True)]):
        handoff = Handoff(reference=f"G-{at:%d}{number}", conversation_id=conversation.id, department=department,
                          reason="question", channel="webchat", created_at=at, updated_at=at, status="resolved",
                          first_response_due=at + timedelta(hours=8), resolved_at=at)
        session.add(handoff)
        session.flush()
        session.add(Feedback(kind="help", helpful=helpful, source="button", channel="webchat",
                             conversation_id=conversation.id, handoff_id=handoff.id, department=department,
                             created_at=at, updated_at=at))


def test_quality_in_production_and_satisfaction_per_department(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path / "var", _env_file=None)
    factory = migrated_session_factory(settings)
    with session_scope(factory) as session:
        seed(session, at=MONDAY)
        seed(session, at=MONDAY - timedelta(days=7))  # the week before: only in the comparison
        session.add(SearchLog(text="question de plus", decision="clarify", created_at=MONDAY - timedelta(days=7)))
        hits = [{"id": "piscines-horaires", "score": 0.9, "question": "Horaires ?"}]
        for entry_id in ("piscines-horaires", "piscines-horaires", "piscines-tarifs"):  # reviewed: 2 right of 3
            session.add(InboxItem(text="q", decision="answer", hits=hits, status="confirmed", entry_id=entry_id,
                                  created_at=MONDAY))
        session.add(InboxItem(text="q", decision="answer", hits=hits, status="confirmed",
                              entry_id="piscines-tarifs", created_at=MONDAY - timedelta(days=7)))  # not this week
    with session_scope(factory) as session:
        report = build_report(session, week=parse_week("2026-W48", PARIS), settings=settings,
                              hours=OpeningHours.parse(settings.opening_hours, settings.timezone),
                              now=MONDAY + timedelta(days=8))
    q = report.quality
    assert (q.questions, q.answered, q.answers, q.rated, q.negative) == (10, 6, 6, 3, 2)
    assert q.automatic_share == 0.6 and q.negative_rate == 2 / 6 and q.negative_share_of_rated == 2 / 3
    assert [(d.department, d.positive, d.negative) for d in report.satisfaction] == [("voirie", 1, 1),
                                                                                      ("etat-civil", 1, 0)]
    assert report.satisfaction[0].name != "voirie"  # the department's name, not its slug

    text = markdown(report)
    assert "## Qualité en production" in text
    assert report.quality_before.questions == 11  # the week before, for the comparison
    assert "| réponses automatiques (part des questions) | 60 % | 10 question(s) | 55 % |" in text
    assert "| avis négatifs (« ne m'aide pas ») | 33 % | 6 réponse(s) de la FAQ | 33 % |" in text
    assert report.precision is not None and (report.precision.successes, report.precision.total) == (2, 3)
    assert "| précision des réponses relues (IC 95 %) | 67 % (21 %–94 %) | 3 réponse(s) relue(s) |" in text
    assert "## Satisfaction après l'aide d'une personne" in text
    assert f"| {report.satisfaction[0].name} | 1 | 1 | 50 % |" in text
    rows = {(row[0], row[1]): row for row in csv_rows(report)}
    assert rows[("qualite", "part_automatique")][4] == 0.6
    assert rows[("satisfaction", "etat-civil")][3:5] == (1, 1.0)
    page = html(report)
    assert "<strong>67 %</strong> (2 justes sur 3" in page
    assert 'id="quality"' in page and "Satisfaction après l'aide d'une personne" in page
