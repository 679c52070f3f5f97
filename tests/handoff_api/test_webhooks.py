"""The outgoing webhook: signed handoff events (created, claimed, replied, resolved) to a local receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from pydantic import SecretStr

from gateway.rasa_client import RasaClient
from guichet.models import Role
from guichet.settings import Settings
from handoff_api import webhooks
from handoff_api.main import create_app
from testing.fakes import KeywordKnowledgeBase, fake_rasa_transport
from testing.live import serve
from tests.handoff_api.conftest import make_account

SECRET = "the-city-shares-this-secret"


@dataclass
class Receiver:
    url: str = ""
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    fail_next: int = 0

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _, body in self.received]

    def wait_for(self, events: list[str], timeout: float = 15.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = [body["event"] for body in self.bodies()]
            if all(name in seen for name in events):
                return self.bodies()
            time.sleep(0.05)
        raise AssertionError(f"waited for {events}, received {[b['event'] for b in self.bodies()]}")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()
    app = FastAPI()

    @app.post("/hook")
    async def hook(request: Request) -> Response:
        state.received.append((dict(request.headers), await request.body()))
        if state.fail_next:
            state.fail_next -= 1
            return Response("try again", status_code=503)
        return Response(status_code=204)

    with serve(app) as server:
        state.url = f"{server.url}/hook"
        yield state


@pytest.fixture
def hooked(settings: Settings, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setattr(webhooks, "POLL_SECONDS", 0.3)
    monkeypatch.setattr(webhooks, "RETRY_DELAYS", (0.05, 0.05, 0.05))
    configured = settings.model_copy(update={"webhook_url": receiver.url, "webhook_secret": SecretStr(SECRET)})
    knowledge_base = KeywordKnowledgeBase()
    app = create_app(configured, knowledge_base_loader=lambda _s, _f: knowledge_base,
                     rasa=RasaClient("http://rasa.test", transport=fake_rasa_transport(knowledge_base)))
    with TestClient(app) as client:
        yield client


def signature_ok(headers: dict[str, str], body: bytes) -> bool:
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers["x-guichet-signature"], expected)


def test_handoff_lifecycle_is_posted_signed(hooked: TestClient, receiver: Receiver) -> None:
    agent = make_account(hooked, "alice", Role.AGENT)
    opened = hooked.post("/api/webchat/conversations").json()
    citizen = {"Authorization": f"Bearer {opened['token']}"}
    hooked.post(f"/api/webchat/conversations/{opened['conversation_id']}/messages",
                json={"text": "un problème de succession"}, headers=citizen)
    handoff_id = hooked.get("/api/handoffs", headers=agent).json()[0]["id"]
    receiver.wait_for(["handoff.created"])
    assert hooked.post(f"/api/handoffs/{handoff_id}/claim", headers=agent).status_code == 200
    assert hooked.post(f"/api/handoffs/{handoff_id}/reply", json={"text": "Je m'en occupe."},
                       headers=agent).status_code == 200
    assert hooked.post(f"/api/handoffs/{handoff_id}/resolve", headers=agent).status_code == 200
    bodies = receiver.wait_for(["handoff.claimed", "handoff.replied", "handoff.resolved"])

    assert [b["event"] for b in bodies] == ["handoff.created", "handoff.claimed", "handoff.replied",
                                            "handoff.resolved"]
    for headers, raw in receiver.received:
        assert signature_ok(headers, raw), "X-Guichet-Signature is the HMAC-SHA256 of the raw body"
        assert headers["content-type"] == "application/json"
        assert headers["x-guichet-event"] == json.loads(raw)["event"]
        assert headers["x-guichet-delivery"] == json.loads(raw)["id"]
    created, claimed, replied, resolved = bodies
    assert created["handoff"]["id"] == handoff_id and created["handoff"]["reference"].startswith("G-")
    assert created["handoff"]["summary"] == "un problème de succession"
    assert claimed["actor"] == "alice" and claimed["to_status"] == "assigned"
    assert replied["message"]["text"] == "Je m'en occupe." and replied["actor"] == "alice"
    assert resolved["to_status"] == "resolved"
    assert len({b["id"] for b in bodies}) == 4


def test_a_failed_delivery_is_retried_with_the_same_id(hooked: TestClient, receiver: Receiver) -> None:
    receiver.fail_next = 2
    opened = hooked.post("/api/webchat/conversations").json()
    hooked.post(f"/api/webchat/conversations/{opened['conversation_id']}/messages",
                json={"text": "un problème de succession"}, headers={"Authorization": f"Bearer {opened['token']}"})
    receiver.wait_for(["handoff.created"])
    deadline = time.monotonic() + 10
    while len(receiver.received) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    ids = [json.loads(raw)["id"] for _, raw in receiver.received]
    assert len(ids) == 3 and len(set(ids)) == 1, "two 503s, then delivered: three tries of one delivery"
    assert all(signature_ok(headers, raw) for headers, raw in receiver.received)
    time.sleep(0.8)
    assert len(receiver.received) == 3, "once delivered, it is not sent again"


def test_a_tampered_body_does_not_match_the_signature(hooked: TestClient, receiver: Receiver) -> None:
    opened = hooked.post("/api/webchat/conversations").json()
    hooked.post(f"/api/webchat/conversations/{opened['conversation_id']}/messages",
                json={"text": "un problème de succession"}, headers={"Authorization": f"Bearer {opened['token']}"})
    receiver.wait_for(["handoff.created"])
    headers, raw = receiver.received[0]
    assert signature_ok(headers, raw)
    assert not signature_ok(headers, raw.replace(b"succession", b"successions"))
