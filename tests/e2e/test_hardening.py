"""The attacks of the security review, against the system ``make run`` starts: all refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import httpx

from handoff_api.stack import Stack, rasa_token
from testing.listeners import listening_addresses
from tests.e2e.conftest import E2E_X_CONSUMER_SECRET

ACTION_CALL = {"next_action": "action_answer_question", "sender_id": "attacker", "version": "3.6.21",
               "tracker": {"sender_id": "attacker", "slots": {}, "events": [],
                           "latest_message": {"text": "horaires de la piscine", "intent": {"name": "ask_faq"}}},
               "domain": {}}


def test_forged_x_webhook_is_refused(stack: Stack, api: httpx.Client) -> None:
    forged = json.dumps({"for_user_id": "1000", "direct_message_events": [
        {"type": "message_create", "id": "1", "created_timestamp": "1796040000000",
         "message_create": {"target": {"recipient_id": "42"}, "sender_id": "1000",
                            "message_data": {"text": "forged"}}}]})
    crc = api.get("/api/x/webhook", params={"crc_token": forged})
    assert crc.status_code == 400, crc.text
    oracle = crc.json().get("response_token", "sha256=")
    posted = api.post("/api/x/webhook", content=forged.encode(),
                      headers={"content-type": "application/json", "x-twitter-webhooks-signature": oracle})
    assert posted.status_code == 403, posted.text
    # X's own CRC check still works.
    expected = base64.b64encode(hmac.new(E2E_X_CONSUMER_SECRET.encode(), b"x-challenge_42", hashlib.sha256)
                                .digest()).decode()
    assert api.get("/api/x/webhook", params={"crc_token": "x-challenge_42"}).json() == {
        "response_token": f"sha256={expected}"}


def test_action_server_refuses_a_call_without_the_secret(stack: Stack) -> None:
    url = f"http://127.0.0.1:{stack.settings.actions_port}"
    assert httpx.get(f"{url}/health", timeout=10).status_code == 200  # it is up: the refusals below are its own
    assert httpx.post(f"{url}/webhook", json=ACTION_CALL, timeout=10).status_code == 401
    assert httpx.post(f"{url}/webhook", json=ACTION_CALL, headers={"Authorization": "Bearer guess"},
                      timeout=10).status_code == 401
    assert httpx.get(f"{url}/actions", timeout=10).status_code == 401


def test_rasa_http_api_refuses_a_call_without_its_token(stack: Stack) -> None:
    assert httpx.get(f"{stack.settings.rasa_url}/status", timeout=10).status_code == 401
    tracker = httpx.get(f"{stack.settings.rasa_url}/conversations/someone/tracker", timeout=10)
    assert tracker.status_code == 401
    with_token = httpx.get(f"{stack.settings.rasa_url}/status", params={"token": rasa_token(stack.settings)},
                           timeout=10)
    assert with_token.status_code == 200


def test_every_process_listens_on_loopback_only(stack: Stack) -> None:
    ports = {"app": stack.settings.port, "actions": stack.settings.actions_port,
             "rasa": int(stack.settings.rasa_url.rsplit(":", 1)[1])}
    for name, process in stack.processes.items():
        addresses = listening_addresses(process.pid)
        assert (("127.0.0.1", ports[name]) in addresses), (name, addresses)
        assert all(host == "127.0.0.1" for host, _port in addresses), (name, addresses)
