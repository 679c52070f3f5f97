"""The Journal's CSV quotes citizen text so that a spreadsheet never runs it as a formula (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from fastapi.testclient import TestClient

from guichet.db import session_scope
from guichet.models import Role, SearchLog, utcnow
from handoff_api.journal.weeks import last_complete_week
from tests.handoff_api.conftest import make_account
from tests.handoff_api.journal.synthetic import Generator, Record

FORMULAS = ['=HYPERLINK("http://evil.test","clic")', "+1+cmd|' /C calc'!A0", "-2+3", "@SOMME(A1:A9)",
            "\tappel", "\rretour"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def test_no_csv_cell_starts_like_a_formula(client: TestClient) -> None:
    state = client.app.state  # type: ignore[attr-defined]
    week = last_complete_week(utcnow(), state.hours.zone).shifted(-1)
    with session_scope(state.session_factory) as session:
        generator = Generator(session, state.hours)
        for number, text in enumerate(FORMULAS):
            at = generator.moment(week, day=number % 7)
            conversation = generator.conversation("webchat", at)
            asked = generator.message(Record(conversation, "webchat", "citizen", at, text))
            session.add(SearchLog(conversation_id=conversation, text=text, decision="handoff", created_at=at))
            reply_at = at + timedelta(seconds=2)
            generator.message(Record(conversation, "webchat", "bot", reply_at, "Je transmets.", "handoff",
                                     reason="unanswered"), reply_to=asked)
            generator.handoff(conversation, "webchat", reply_at, "voirie", "report_problem", None,
                              {"problem_type": text, "place": text})
    agent = make_account(client, "alice", Role.AGENT)
    table = client.get(f"/console/journal?week={week.label}&format=csv", headers=agent)
    assert table.status_code == 200, table.text
    rows = list(csv.reader(io.StringIO(table.text)))
    cells = [cell for row in rows[1:] for cell in row]
    assert any("HYPERLINK" in cell for cell in cells)  # the citizen text is there...
    dangerous = [cell for cell in cells if cell.startswith(TRIGGERS)]
    assert dangerous == []  # ...but never as a formula
    assert "'=HYPERLINK(\"http://evil.test\",\"clic\")" in cells
