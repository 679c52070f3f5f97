"""Helpers for the action unit tests: hand-built trackers and a fake internal API."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import api_client

ROOT = Path(__file__).resolve().parents[2]
DOMAIN: dict[str, Any] = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
METADATA = {"channel": "webchat", "conversation_id": "conv-42"}


def make_tracker(
    text: str = "",
    *,
    intent: str | None = "ask_question",
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    history: list[str] | None = None,
    before: dict[str, Any] | None = None,
    extra_events: list[dict[str, Any]] | None = None,
    active_loop: str | None = None,
    earlier_events: list[dict[str, Any]] | None = None,
) -> Tracker:
    """A tracker whose latest message is ``text``.

    ``history`` are earlier citizen messages, ``earlier_events`` events after them (e.g. ``user_event``s with their
    intents, a form's activation), ``before`` slots set before the latest message, ``extra_events`` events after it
    (e.g. slot candidates of a form).
    """
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "metadata": METADATA,
    }
    events: list[dict[str, Any]] = []
    for earlier in history or []:
        events.append({"event": "user", "text": earlier, "parse_data": {"text": earlier}, "metadata": METADATA})
        events.append({"event": "action", "name": "action_answer_question"})
    events += earlier_events or []
    events += [{"event": "slot", "name": name, "value": value} for name, value in (before or {}).items()]
    events.append({"event": "user", "text": text, "parse_data": parse_data, "metadata": METADATA})
    events += extra_events or []
    all_slots = {name: None for name in DOMAIN["slots"]}
    all_slots.update(before or {})
    all_slots.update(slots or {})
    return Tracker(
        "sender-1",
        all_slots,
        parse_data,
        events,
        False,
        None,
        {"name": active_loop} if active_loop else {},
        "action_listen",
    )


def user_event(text: str, intent: str) -> dict[str, Any]:
    """A citizen message as Rasa logs it, with the intent it was read as."""
    return {"event": "user", "text": text, "parse_data": {"text": text, "intent": {"name": intent, "confidence": 0.9}},
            "metadata": METADATA}


def run_action(action: Action, tracker: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Run ``action``; return (the custom payloads sent, the events returned)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, DOMAIN))
    payloads = []
    for message in dispatcher.messages:
        assert message.get("text") is None, "actions must only send custom payloads"
        payloads.append(message["custom"])
    return payloads, events


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


class FakeApp:
    """Records the requests the actions make; ``routes`` maps "METHOD /path" to a response."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.routes: dict[str, Callable[[httpx.Request], httpx.Response]] = {}

    def route(self, key: str, status: int = 200, body: Any = None) -> None:
        self.routes[key] = lambda request: httpx.Response(status, json=body)

    def fail(self, key: str, error: Exception) -> None:
        def raise_error(request: httpx.Request) -> httpx.Response:
            raise error

        self.routes[key] = raise_error

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = f"{request.method} {request.url.path}"
        if key not in self.routes:
            return httpx.Response(404, json={"detail": "not found"})
        return self.routes[key](request)

    def bodies(self, key: str) -> list[dict[str, Any]]:
        method, path = key.split(" ", 1)
        return [json.loads(r.content) for r in self.requests if r.method == method and r.url.path == path]


def install_fake_app(monkeypatch: pytest.MonkeyPatch) -> FakeApp:
    """Make every action talk to a new FakeApp through httpx.MockTransport."""
    fake = FakeApp()
    monkeypatch.setattr(
        api_client,
        "client_factory",
        lambda: api_client.GuichetApi("http://app.test", "service-token", transport=httpx.MockTransport(fake.handler)),
    )
    return fake


def handoff_created(reference: str = "G-7K3Q9", department: str | None = None, handoff_id: int = 12) -> dict[str, Any]:
    return {
        "id": handoff_id,
        "reference": reference,
        "status": "waiting",
        "department": department,
        "first_response_due": "2025-03-12T10:00:00+01:00",
        "expected": "Un agent vous répondra aujourd'hui avant 18 h.",
    }


HITS: list[dict[str, Any]] = [
    {
        "id": "piscines-horaires",
        "score": 0.71,
        "question": "Quels sont les horaires des piscines ?",
        "answer": "Les piscines sont ouvertes du mardi au dimanche de 9 h à 19 h.",
        "url": "https://www.ville-guichet.fr/piscines",
        "department": "sports",
    },
    {
        "id": "piscines-tarifs",
        "score": 0.69,
        "question": "Quels sont les tarifs des piscines ?",
        "answer": "L'entrée coûte 3 € pour un adulte et 1,50 € pour un enfant.",
        "url": "https://www.ville-guichet.fr/piscines/tarifs",
        "department": "sports",
    },
    {
        "id": "natation-cours",
        "score": 0.66,
        "question": "Comment s'inscrire aux cours de natation ?",
        "answer": "Les inscriptions aux cours de natation se font à l'accueil de la piscine en septembre.",
        "url": None,
        "department": "sports",
    },
]
