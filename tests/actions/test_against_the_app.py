"""The real action, through its real client, against the real application: what the bot's searches leave.

Rasa is replaced by a stand-in that runs ``action_answer_question`` on each message (sender id = the
conversation id, as the gateway sends it); the action's ``GuichetApi`` talks to the application in-process.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi.testclient import TestClient
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import api_client
from actions.answer_question import ActionAnswerQuestion
from gateway.rasa_client import RasaClient
from guichet.models import Role, SearchLog, utcnow
from guichet.settings import Settings
from handoff_api.journal.questions import unanswered
from handoff_api.journal.records import handoffs_created, messages_between, searches_between
from handoff_api.journal.weeks import week_of
from handoff_api.main import create_app
from testing.fakes import KeywordKnowledgeBase
from tests.actions.helpers import DOMAIN
from tests.handoff_api.conftest import make_account


def _tracker(body: dict[str, Any]) -> Tracker:
    """The tracker Rasa would hand the action: the sender id, the message and its metadata."""
    parse_data = {"text": body["message"], "intent": {"name": "ask_question", "confidence": 0.9},
                  "entities": [], "metadata": body.get("metadata") or {}}
    events = [{"event": "user", "text": body["message"], "parse_data": parse_data,
               "metadata": body.get("metadata") or {}}]
    slots = {name: None for name in DOMAIN["slots"]}
    return Tracker(body["sender"], slots, parse_data, events, False, None, {}, "action_listen")


def _rasa_running_the_action() -> httpx.MockTransport:
    async def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path != "/webhooks/rest/webhook":
            return httpx.Response(200, json={})
        body = json.loads(request.content)
        dispatcher = CollectingDispatcher()
        await ActionAnswerQuestion().run(dispatcher, _tracker(body), DOMAIN)
        return httpx.Response(200, json=[{"recipient_id": body["sender"], "custom": message["custom"]}
                                         for message in dispatcher.messages])

    return httpx.MockTransport(handle)


@pytest.fixture
def app_client(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    knowledge_base = KeywordKnowledgeBase()
    rasa = RasaClient("http://rasa.test", transport=_rasa_running_the_action())
    app = create_app(settings, knowledge_base_loader=lambda _s, _f: knowledge_base, rasa=rasa)
    token = settings.service_token.get_secret_value() if settings.service_token else None
    monkeypatch.setattr(api_client, "client_factory",
                        lambda: api_client.GuichetApi("http://app.test", token, transport=httpx.ASGITransport(app)))
    with TestClient(app) as client:
        yield client


def _ask(client: TestClient, text: str) -> tuple[str, list[dict[str, Any]]]:
    created = client.post("/api/webchat/conversations").json()
    headers = {"Authorization": f"Bearer {created['token']}"}
    response = client.post(f"/api/webchat/conversations/{created['conversation_id']}/messages",
                           json={"text": text}, headers=headers)
    assert response.status_code == 200, response.text
    return created["conversation_id"], response.json()["replies"]


def test_the_bots_search_is_tied_to_the_conversation(app_client: TestClient) -> None:
    conversation_id, replies = _ask(app_client, "mon voisin a un problème de succession")
    assert replies[0]["kind"] == "handoff"
    with app_client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        logs = list(session.scalars(select(SearchLog)))
    assert [(log.conversation_id, log.decision) for log in logs] == [(conversation_id, "handoff")]


def test_export_and_erasure_include_the_bots_searches(app_client: TestClient) -> None:
    conversation_id, _ = _ask(app_client, "mon voisin a un problème de succession")
    _ask(app_client, "une autre personne demande un acte de naissance")  # another citizen's search
    admin = make_account(app_client, "root", Role.ADMIN)
    exported = app_client.get(f"/api/admin/citizens/export?conversation_id={conversation_id}", headers=admin)
    assert exported.status_code == 200, exported.text
    searches = exported.json()["conversations"][0]["searches"]
    assert [(s["text"], s["decision"]) for s in searches] == [("mon voisin a un problème de succession", "handoff")]
    erased = app_client.delete(f"/api/admin/citizens?conversation_id={conversation_id}", headers=admin)
    assert erased.status_code == 200, erased.text
    with app_client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        left = [log.text for log in session.scalars(select(SearchLog))]
    assert left == ["une autre personne demande un acte de naissance"]


def test_the_journal_counts_a_handed_off_question_once(app_client: TestClient, settings: Settings) -> None:
    conversation_id, _ = _ask(app_client, "@GuichetVille mon voisin a un problème de succession")
    now = utcnow()
    week = week_of(now.astimezone(ZoneInfo(settings.timezone)).date(), ZoneInfo(settings.timezone))
    with app_client.app.state.session_factory() as session:  # type: ignore[attr-defined]
        found = unanswered(week, messages_between(session, start=week.start, end=week.end + timedelta(days=2)),
                           searches_between(session, start=week.start, end=week.end),
                           handoffs_created(session, start=week.start, end=week.end))
    assert [(q.conversation_id, q.text) for q in found] == [
        (conversation_id, "mon voisin a un problème de succession")]
