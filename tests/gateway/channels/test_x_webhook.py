"""X's Account Activity webhook: CRC, signatures, and events through the same path as polling."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from guichet.settings import Settings
from handoff_api.main import create_app
from testing.fakes import KeywordKnowledgeBase
from testing.x_fake.harness import CREDENTIALS, Harness


def sign(body: bytes, secret: str = CREDENTIALS.consumer_secret) -> str:
    return "sha256=" + base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def post(client: TestClient, activity: dict[str, Any], signature: str | None = "good") -> Any:
    body = json.dumps(activity).encode()
    headers = {"content-type": "application/json"}
    if signature is not None:
        headers["x-twitter-webhooks-signature"] = sign(body) if signature == "good" else signature
    return client.post("/api/x/webhook", content=body, headers=headers)


def tweet(tweet_id: str, user_id: str, text: str) -> dict[str, Any]:
    return {"id_str": tweet_id, "text": text, "user": {"id_str": user_id, "screen_name": f"u{user_id}"},
            "created_at": "Mon Nov 30 11:44:44 +0000 2026"}


def dm(event_id: str, sender: str, text: str) -> dict[str, Any]:
    return {"type": "message_create", "id": event_id, "created_timestamp": "1796040000000",
            "message_create": {"target": {"recipient_id": "1000"}, "sender_id": sender,
                               "message_data": {"text": text}}}


def test_crc_answers_the_hmac_of_the_token(x: Harness) -> None:
    response = TestClient(x.app).get("/api/x/webhook", params={"crc_token": "challenge-123"})
    expected = base64.b64encode(hmac.new(b"cs-test", b"challenge-123", hashlib.sha256).digest()).decode()
    assert response.status_code == 200 and response.json() == {"response_token": f"sha256={expected}"}


@pytest.mark.parametrize("signature", [None, "sha256=", "garbage", "sha256=" + "A" * 44, sign(b"{}", "wrong")])
def test_unsigned_or_badly_signed_posts_are_refused(x: Harness, signature: str | None) -> None:
    response = post(TestClient(x.app), {"for_user_id": "1000", "tweet_create_events": [tweet("9", "42", "hi")]},
                    signature=signature)
    assert response.status_code == 403 and "x-twitter-webhooks-signature" in response.json()["detail"]
    assert x.messages() == []


def test_events_take_the_polling_path_once(x: Harness, caplog: pytest.LogCaptureFixture) -> None:
    client = TestClient(x.app)
    activity = {"for_user_id": "1000",
                "tweet_create_events": [tweet("901", "42", "@guichet_ville les horaires des piscines ?"),
                                        tweet("902", "1000", "@u42 notre propre réponse")],
                "direct_message_events": [dm("903", "55", "bonjour"), dm("904", "1000", "notre DM"),
                                          {"type": "typing"}],
                "users": {"55": {"id": "55", "screen_name": "dora"}}}
    assert post(client, activity).json() == {"taken": 2, "ignored": []}
    assert post(client, activity).json() == {"taken": 0, "ignored": []}  # X may deliver an event twice

    with caplog.at_level(logging.INFO, logger="guichet.x.webhook"):
        response = post(client, {"for_user_id": "1000", "favorite_events": [{"id": "1"}]})
    assert response.json() == {"taken": 0, "ignored": ["favorite_events"]}
    assert "ignored event types favorite_events" in caplog.text

    citizen = {(m.channel, m.external_id) for m in x.messages() if m.author == "citizen"}
    assert citizen == {("x_mention", "901"), ("x_dm", "903")}
    x.deliver()
    assert [t["in_reply_to_tweet_id"] for t in x.fake.posted] == ["901"]
    assert [d["participant_id"] for d in x.fake.sent_dms] == ["55"]


def test_webhook_is_off_without_x_credentials(settings: Settings) -> None:
    app = create_app(settings, knowledge_base_loader=lambda _s, _f: KeywordKnowledgeBase())
    client = TestClient(app)
    assert client.get("/api/x/webhook", params={"crc_token": "t"}).status_code == 404
    assert post(client, {"tweet_create_events": []}).status_code == 404
    app.state.engine.dispose()


def test_crc_endpoint_is_not_a_signing_oracle(x: Harness) -> None:
    """The attack of the review: have a forged activity signed by the CRC check, then post it."""
    client = TestClient(x.app)
    forged = json.dumps({"for_user_id": "1000",
                         "tweet_create_events": [tweet("666", "42", "@guichet_ville forged")]})
    crc = client.get("/api/x/webhook", params={"crc_token": forged})
    assert crc.status_code == 400 and "crc_token" in crc.json()["detail"]
    oracle = crc.json().get("response_token", "sha256=")
    posted = client.post("/api/x/webhook", content=forged.encode(),
                         headers={"content-type": "application/json", "x-twitter-webhooks-signature": oracle})
    assert posted.status_code == 403
    assert x.messages() == []


@pytest.mark.parametrize("token", ["", "a" * 300, "with space", '{"a":1}', "[1]", "tok\nen"])
def test_crc_refuses_tokens_of_a_shape_x_never_sends(x: Harness, token: str) -> None:
    assert TestClient(x.app).get("/api/x/webhook", params={"crc_token": token}).status_code == 400


@pytest.mark.parametrize("token", ["challenge-123", "MjAyNi0xMi0wNVQxNTo0NToyMA==", "abc_DEF-123+/="])
def test_crc_answers_tokens_of_the_shape_x_sends(x: Harness, token: str) -> None:
    assert TestClient(x.app).get("/api/x/webhook", params={"crc_token": token}).status_code == 200


def test_oversized_webhook_bodies_are_refused_before_being_read_whole(x: Harness) -> None:
    client = TestClient(x.app)
    big = {"for_user_id": "1000", "padding": "x" * 2_000_000}
    response = post(client, big)
    assert response.status_code == 413 and "bytes" in response.json()["detail"]
    assert x.messages() == []
