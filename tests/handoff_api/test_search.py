"""``GET /api/handoffs?q=``: full-text search over handoffs and their conversations, with the queue's
filters, every status, and pages without a row cap; on SQLite (FTS5) and PostgreSQL (French text search)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from guichet.crud import handoffs as crud
from guichet.crud.search import catch_up
from guichet.db import session_scope
from guichet.models import Message, Role
from tests.handoff_api.conftest import make_account
from tests.handoff_api.tools_client import db_client, make_handoff

__all__ = ["db_client"]


def references(response) -> set[int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return {row["id"] for row in response.json()}


def test_search_finds_words_in_conversations_and_summaries(db_client: TestClient) -> None:
    headers = make_account(db_client, "alice", Role.AGENT)
    passport = make_handoff(db_client, said=["Bonjour, mon passeport expire bientôt, que faire ?"],
                            department="papiers")
    pothole = make_handoff(db_client, said=["Il y a un trou dans la chaussée"], summary="Nid de poule rue Victor Hugo",
                           department="voirie")
    noise = make_handoff(db_client, said=["Mes voisins font du bruit la nuit"], department="bruit", channel="x_dm")

    assert references(db_client.get("/api/handoffs", params={"q": "passeport"}, headers=headers)) == {passport}
    assert references(db_client.get("/api/handoffs", params={"q": "Passeports"}, headers=headers)) == {passport}, \
        "case and plural (prefix on SQLite, French stemming on PostgreSQL)"
    assert references(db_client.get("/api/handoffs", params={"q": "trou chaussée"}, headers=headers)) == {pothole}
    assert references(db_client.get("/api/handoffs", params={"q": "poule Hugo"}, headers=headers)) == {pothole}
    assert references(db_client.get("/api/handoffs", params={"q": "poule nuit"}, headers=headers)) == set(), \
        "every word must match"
    reference = db_client.get(f"/api/handoffs/{noise}", headers=headers).json()["reference"]
    assert references(db_client.get("/api/handoffs", params={"q": reference}, headers=headers)) == {noise}
    assert references(db_client.get("/api/handoffs", params={"q": "bruit", "channel": "webchat"},
                                     headers=headers)) == set()
    assert references(db_client.get("/api/handoffs", params={"q": "bruit", "department": "bruit"},
                                    headers=headers)) == {noise}


def test_status_all_and_resolved_handoffs_are_searchable(db_client: TestClient) -> None:
    headers = make_account(db_client, "alice", Role.AGENT)
    closed = make_handoff(db_client, said=["question sur la cantine scolaire"])
    open_one = make_handoff(db_client, said=["inscription à la cantine"])
    with session_scope(db_client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        crud.resolve(session, handoff=crud.get_handoff(session, handoff_id=closed), actor="test")

    assert references(db_client.get("/api/handoffs", params={"q": "cantine"}, headers=headers)) == {open_one}
    assert references(db_client.get("/api/handoffs", params={"q": "cantine", "status": "all"},
                                    headers=headers)) == {open_one, closed}
    assert references(db_client.get("/api/handoffs", params={"q": "cantine", "status": "resolved"},
                                    headers=headers)) == {closed}
    wrong = db_client.get("/api/handoffs", params={"status": "everything"}, headers=headers)
    assert wrong.status_code == 422 and "status: 'everything'" in wrong.json()["detail"]
    nothing = db_client.get("/api/handoffs", params={"q": "!!!"}, headers=headers)
    assert nothing.status_code == 422 and "q: '!!!' has no word" in nothing.json()["detail"]


def test_dates_filter_on_the_day_received(db_client: TestClient) -> None:
    headers = make_account(db_client, "alice", Role.AGENT)
    found = make_handoff(db_client, said=["un lampadaire en panne"])
    # the filter reads days in the city's time zone: at 23:30 UTC a handoff is received on the next day in Paris
    created = datetime.fromisoformat(db_client.get(f"/api/handoffs/{found}", headers=headers).json()["created_at"])
    zone = ZoneInfo(db_client.app.state.settings.timezone)  # type: ignore[attr-defined]
    day = (created if created.tzinfo else created.replace(tzinfo=UTC)).astimezone(zone).date().isoformat()
    assert references(db_client.get("/api/handoffs", params={"q": "lampadaire", "date_from": day, "date_to": day},
                                    headers=headers)) == {found}
    assert references(db_client.get("/api/handoffs", params={"q": "lampadaire", "date_from": "2099-01-01"},
                                    headers=headers)) == set()


def test_pages_go_past_two_hundred_rows(db_client: TestClient) -> None:
    headers = make_account(db_client, "alice", Role.AGENT)
    made = {make_handoff(db_client, said=[f"demande numéro {n} sur le stationnement"]) for n in range(230)}
    first = db_client.get("/api/handoffs", params={"q": "stationnement", "per_page": 100}, headers=headers)
    assert first.headers["X-Total-Count"] == "230"
    assert 'rel="next"' in first.headers["Link"] and 'rel="prev"' not in first.headers["Link"]
    seen: set[int] = set()
    for page in (1, 2, 3):
        seen |= references(db_client.get("/api/handoffs", params={"q": "stationnement", "per_page": 100,
                                                                 "page": page}, headers=headers))
    assert seen == made
    everything = db_client.get("/api/handoffs", params={"per_page": 500}, headers=headers)
    assert len(everything.json()) == 230, "no 200-row cap"
    too_many = db_client.get("/api/handoffs", params={"per_page": 501}, headers=headers)
    assert too_many.status_code == 422 and "per_page: 501" in too_many.json()["detail"]


def test_deadline_filter_counts_unanswered_handoffs_on_both_sides(db_client: TestClient) -> None:
    headers = make_account(db_client, "alice", Role.AGENT)
    late = make_handoff(db_client, said=["une fuite d'eau"])
    on_time = make_handoff(db_client, said=["une fuite de gaz"])
    answered_late = make_handoff(db_client, said=["une fuite au toit"])
    with session_scope(db_client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        overdue = crud.get_handoff(session, handoff_id=late)
        overdue.first_response_due = overdue.created_at - timedelta(minutes=1)
        replied = crud.get_handoff(session, handoff_id=answered_late)
        replied.first_response_due = replied.created_at - timedelta(minutes=2)
        replied.first_response_at = replied.created_at - timedelta(minutes=1)
    assert references(db_client.get("/api/handoffs", params={"q": "fuite", "breached": True},
                                    headers=headers)) == {late, answered_late}
    assert references(db_client.get("/api/handoffs", params={"q": "fuite", "breached": False},
                                    headers=headers)) == {on_time}, "unanswered and not yet due is on time"


def test_sqlite_index_follows_new_changed_and_deleted_messages(client: TestClient) -> None:
    """Messages are indexed by the next search; a change or a deletion (anonymisation, erasure) leaves the
    index through triggers once indexed, and FTS5's own integrity check agrees with the messages table."""
    headers = make_account(client, "alice", Role.AGENT)
    factory = client.app.state.session_factory  # type: ignore[attr-defined]
    first = make_handoff(client, said=["une fuite de canalisation"])
    assert references(client.get("/api/handoffs", params={"q": "canalisation"}, headers=headers)) == {first}
    make_handoff(client, said=["une autre canalisation bouchée"])
    with session_scope(factory) as session:
        for message in session.scalars(select(Message).where(Message.text.contains("fuite"))):
            message.text = "[anonymisé]"
        pending = session.scalar(select(Message).where(Message.text.contains("bouchée")))
        assert pending is not None
        session.delete(pending)  # never indexed: the trigger leaves the index alone
    assert references(client.get("/api/handoffs", params={"q": "canalisation"}, headers=headers)) == set()
    assert references(client.get("/api/handoffs", params={"q": "anonymisé"}, headers=headers)) == {first}
    third = make_handoff(client, said=["canalisation encore"])
    assert references(client.get("/api/handoffs", params={"q": "canalisation"}, headers=headers)) == {third}
    with session_scope(factory) as session:
        session.execute(text("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)"))
    with factory() as session:
        assert catch_up(session) == 0, "every message is indexed"
