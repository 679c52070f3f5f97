"""Rasa's conversations in a database with `make run`'s configuration: kept across a restart of Rasa, and
erased with the conversation."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest

from guichet.models import Role
from handoff_api.stack import Stack
from tests.e2e.conftest import account
from tests.e2e.test_walking_skeleton import open_conversation, say

pytestmark = pytest.mark.rasa


def tracker_rows(stack: Stack, conversation_id: str) -> list[tuple[str, str]]:
    """(type, data) of the conversation's rows in Rasa's tracker store (an SQLite file in var/)."""
    url = stack.settings.resolved_tracker_store_url
    assert url.startswith("sqlite:///"), url
    path = Path(url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as connection:
        return list(connection.execute("SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id",
                                       (conversation_id,)))


def test_rasa_events_are_rows_until_erasure(stack: Stack, api: httpx.Client) -> None:
    admin = account(stack, "e2e-trackers-admin", Role.ADMIN)
    other = open_conversation(api)
    say(api, other, "bonjour")
    conversation = open_conversation(api)
    conversation_id = conversation[0]
    say(api, conversation, "la piscine est-elle ouverte le dimanche matin ?")

    rows = tracker_rows(stack, conversation_id)
    assert "user" in [kind for kind, _ in rows]
    assert any("dimanche matin" in data for kind, data in rows if kind == "user")

    response = api.delete("/api/admin/citizens", params={"conversation_id": conversation_id}, headers=admin)
    assert response.status_code == 200, response.text
    assert response.json()["erased"]["rasa_events"] == len(rows)
    assert tracker_rows(stack, conversation_id) == []
    assert tracker_rows(stack, other[0]) != []  # only that conversation's


def test_report_form_continues_after_rasa_restarts(stack: Stack, api: httpx.Client) -> None:
    conversation = open_conversation(api)
    asked = say(api, conversation, "je veux signaler un problème")
    assert "Quel est le problème" in asked[-1]["text"], asked
    asked = say(api, conversation, "un lampadaire allumé en plein jour")
    assert "Où se trouve le problème" in asked[-1]["text"], asked

    stack.restart("rasa")
    stack.wait_healthy(timeout=300)

    asked = say(api, conversation, "devant l'école Jules Ferry")
    assert "Voulez-vous ajouter un détail" in asked[-1]["text"], asked
