"""Through the running system (real Rasa, action server, app, e5 model): a question the bot did not answer,
whose right entry was its second choice, is confirmed from the inbox; the next citizen gets the answer."""

from __future__ import annotations

import httpx

from guichet.models import Role
from handoff_api.stack import Stack, rasa_token
from tests.e2e.conftest import account
from tests.e2e.test_walking_skeleton import open_conversation, say

# Asked about the online deposit of a building-work declaration: the FAQ ranks "what works need a declaration"
# first and "how to deposit and follow a planning application" (the right one) second, and does not answer.
QUESTION = "peut-on déposer sa déclaration préalable de travaux par internet"
RIGHT = "urbanisme-depot-suivi"


def rasa_model(stack: Stack) -> str:
    status = httpx.get(f"{stack.settings.rasa_url}/status", params={"token": rasa_token(stack.settings)}, timeout=10)
    model: str = status.json()["model_file"]
    return model


def test_a_second_choice_confirmed_from_the_inbox_answers_the_next_citizen(stack: Stack, api: httpx.Client) -> None:
    editor = account(stack, "e2e-inbox-editor", Role.EDITOR)
    model_before = rasa_model(stack)
    first = open_conversation(api)
    replies = say(api, first, QUESTION)
    assert replies and replies[0]["kind"] != "answer", replies  # not answered automatically
    items = api.get("/api/kb/inbox", headers=editor).json()["items"]
    asked = next(item for item in items if item["text"] == QUESTION)
    assert asked["decision"] != "answer" and asked["feedback"] is None
    assert [hit["id"] for hit in asked["hits"]][1] == RIGHT, asked["hits"]  # the bot's second choice

    confirmed = api.post(f"/api/kb/inbox/{asked['id']}/confirm", json={"entry_id": RIGHT}, headers=editor)
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed"

    answer = say(api, open_conversation(api), QUESTION)  # the next citizen, a fresh conversation
    assert answer[0]["kind"] == "answer" and answer[0]["faq_id"] == RIGHT, answer
    assert rasa_model(stack) == model_before  # no Rasa retraining, not even a reload
    entry = api.get(f"/api/kb/entries/{RIGHT}", headers=editor).json()
    assert QUESTION in entry["variants"]
    revisions = api.get(f"/api/kb/entries/{RIGHT}/revisions", headers=editor).json()
    assert revisions[-1]["action"] == "inbox" and revisions[-1]["actor"] == "e2e-inbox-editor"
