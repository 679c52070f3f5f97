"""``/console/journal``: who may read it, its formats, and editors turning a group into a draft FAQ entry."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from guichet.db import session_scope
from guichet.models import EntryStatus, KBEntry, KBRevision, Role, utcnow
from handoff_api.journal.weeks import last_complete_week
from tests.handoff_api.conftest import make_account
from tests.handoff_api.journal.synthetic import TopicEncoder, generate


def busy_week(client: TestClient) -> str:
    state = client.app.state  # type: ignore[attr-defined]
    week = last_complete_week(utcnow(), state.hours.zone).shifted(-1)
    with session_scope(state.session_factory) as session:
        generate(session, state.hours, week)
    state.knowledge_base.encoder = TopicEncoder()  # the knowledge base's encoder groups the questions
    return week.label


def test_agents_read_it_editors_can_suggest(client: TestClient) -> None:
    week = busy_week(client)
    agent = make_account(client, "alice", Role.AGENT)
    editor = make_account(client, "eve", Role.EDITOR)
    page = client.get(f"/console/journal?week={week}", headers=agent)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f"Journal des usagers — semaine {week}" in page.text
    assert "<svg" in page.text and "par le sens (modèle topic-test-encoder" in page.text
    assert "Créer un brouillon" not in page.text
    assert "06 12 34 56 78" not in page.text and "[téléphone]" in page.text
    assert "Créer un brouillon" in client.get(f"/console/journal?week={week}", headers=editor).text
    anonymous = client.get("/console/journal", follow_redirects=False)
    assert anonymous.status_code == 401 or anonymous.headers["location"].startswith("/console/login")


def test_markdown_and_csv_downloads(client: TestClient) -> None:
    week = busy_week(client)
    agent = make_account(client, "alice", Role.AGENT)
    markdown = client.get(f"/console/journal?week={week}&format=md", headers=agent)
    assert markdown.status_code == 200 and markdown.text.startswith(f"# Journal des usagers — semaine {week}")
    table = client.get(f"/console/journal?week={week}&format=csv", headers=agent)
    assert table.headers["content-type"].startswith("text/csv")
    assert f'filename="journal-{week}.csv"' in table.headers["content-disposition"]
    assert table.text.splitlines()[0] == "section,key,label,count,value,detail,suggestion"


def test_bad_week_and_format_are_named(client: TestClient) -> None:
    agent = make_account(client, "alice", Role.AGENT)
    bad_format = client.get("/console/journal?format=pdf", headers=agent)
    assert bad_format.status_code == 422 and "'pdf' is not one of html, md, csv" in bad_format.json()["detail"]
    bad_week = client.get("/console/journal?week=2026-W99", headers=agent)
    assert bad_week.status_code == 422 and "2026-W99" in bad_week.text and "does not exist" in bad_week.text
    future = client.get("/console/journal?week=2999-W01&format=md", headers=agent)
    assert future.status_code == 422 and "is in the future" in future.json()["detail"]
    empty = client.get("/console/journal?week=2020-W10", headers=agent)
    assert empty.status_code == 200 and "Aucune activité cette semaine" in empty.text


def test_a_group_becomes_a_draft_entry_once(client: TestClient) -> None:
    week = busy_week(client)
    editor = make_account(client, "eve", Role.EDITOR)
    form = {"week": week, "question": "La piscine est fermée à cause de la grève ?", "department": "sports",
            "examples": ["grève à la piscine, elle rouvre quand ?", "rappelez-moi au 06 12 34 56 78"]}
    created = client.post("/console/journal/suggestions", data=form, headers=editor, follow_redirects=False)
    assert created.status_code == 303
    assert created.headers["location"].startswith(f"/console/journal?week={week}&created=suggestion-la-piscine")
    again = client.post("/console/journal/suggestions", data=form, headers={**editor, "Accept": "application/json"})
    assert again.status_code == 200 and again.json()["created"] is False
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        entry = session.scalars(select(KBEntry).where(KBEntry.id.like("suggestion-%"))).one()
        assert entry.status == EntryStatus.DRAFT.value and entry.department == "sports"
        assert entry.variants == ["grève à la piscine, elle rouvre quand ?", "rappelez-moi au [téléphone]"]
        revision = session.scalars(select(KBRevision).where(KBRevision.entry_id == entry.id)).one()
        assert revision.actor == "eve" and revision.action == "create"
    page = client.get(created.headers["location"], headers=editor)
    assert "Brouillon créé dans la FAQ" in page.text


def test_suggestions_need_an_editor_and_a_known_department(client: TestClient) -> None:
    agent = make_account(client, "alice", Role.AGENT)
    editor = make_account(client, "eve", Role.EDITOR)
    form = {"question": "Où garer mon vélo cargo ?", "department": "mobilites"}
    assert client.post("/console/journal/suggestions", data=form, headers=agent).status_code == 403
    unknown = client.post("/console/journal/suggestions", data={**form, "department": "lune"}, headers=editor)
    assert unknown.status_code == 422 and "'lune' is not a known department" in unknown.json()["detail"]
    foreign = client.post("/console/journal/suggestions", data=form,
                          headers={**editor, "Origin": "https://evil.example"})
    assert foreign.status_code == 403 and "evil.example" in foreign.json()["detail"]
