"""Test doubles for the two things that are slow or external: the knowledge base and the Rasa server."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response

from knowledge_base.types import Decision, Hit, PageElsewhere, SearchResult

FAQ = {
    "piscines-horaires": ("Quels sont les horaires des piscines ?", "Les piscines ouvrent de 7h à 20h.", "sports"),
    "papiers-cni": ("Comment refaire ma carte d'identité ?", "Prenez rendez-vous en mairie.", "papiers"),
}


class KeywordKnowledgeBase:
    """Answers on a keyword, so tests can choose the decision."""

    ready = True

    def __init__(self) -> None:
        self.refreshed: list[list[str] | None] = []

    def search(self, text: str, *, top_k: int = 3) -> SearchResult:
        if not text.strip():
            raise ValueError("text: must not be empty")
        hits = [Hit(id=k, score=0.9 if k.split("-")[0][:5] in text.lower() else 0.5, question=q, answer=a,
                    department=d) for k, (q, a, d) in FAQ.items()]
        hits.sort(key=lambda h: -h.score)
        decision: Decision = "answer" if hits[0].score > 0.8 else "handoff"
        return SearchResult(query=text, decision=decision, hits=hits[:top_k])

    def refresh(self, entry_ids: list[str] | None = None) -> None:
        self.refreshed.append(entry_ids)


class HeldBackKnowledgeBase(KeywordKnowledgeBase):
    """The keyword fake, with a Service-public.fr page the FAQ does not hold nearer every message than its first
    entry (``pages_elsewhere``): an answer becomes choices, and the result names the page."""

    def __init__(self, page: PageElsewhere) -> None:
        super().__init__()
        self.page = page

    def search(self, text: str, *, top_k: int = 3) -> SearchResult:
        found = super().search(text, top_k=top_k)
        return replace(found, decision="clarify" if found.decision == "answer" else found.decision, page=self.page)


def fake_rasa_transport(knowledge_base: KeywordKnowledgeBase) -> httpx.MockTransport:
    """A stand-in for Rasa's REST channel: greets, answers from the fake FAQ, or asks for a handoff."""

    events: list[tuple[str, str]] = []
    sent: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tracker/events"):
            events.append((request.url.path.split("/")[2], json.loads(request.content)["event"]))
            return httpx.Response(200, json={})
        if request.url.path == "/status":
            return httpx.Response(200, json={"model_file": "fake.tar.gz"})
        body = json.loads(request.content)
        sent.append(body["message"])
        text = body["message"].lower()
        custom: dict[str, Any]
        if text == "/request_human":
            custom = {"text": "Je vous mets en relation avec un agent de la Ville.", "kind": "handoff",
                      "handoff": {"reason": "request_human", "reference": None}}
        elif "bonjour" in text:
            custom = {"text": "Bonjour ! Je suis l'assistant automatique de la Ville.", "kind": "smalltalk"}
        elif "panne" in text:
            return httpx.Response(500, text="boom")
        else:
            result = knowledge_base.search(text)
            if result.decision == "answer":
                top = result.hits[0]
                custom = {"text": top.answer, "kind": "answer", "faq_id": top.id}
            else:
                custom = {"text": "Je transmets à une personne.", "kind": "handoff",
                          "handoff": {"reason": "unanswered", "reference": None}}
        return httpx.Response(200, json=[{"recipient_id": body["sender"], "custom": custom}])

    transport = httpx.MockTransport(handle)
    transport.events = events  # type: ignore[attr-defined]
    transport.sent = sent  # type: ignore[attr-defined]
    return transport


def fake_rasa_app(knowledge_base: KeywordKnowledgeBase) -> FastAPI:
    """The same stand-in served over HTTP, for applications run as processes; ``state.messages`` lists what
    it was sent."""
    transport = fake_rasa_transport(knowledge_base)
    app = FastAPI(title="stand-in Rasa")
    app.state.messages = []

    async def relay(request: Request) -> Response:
        body = await request.body()
        if request.url.path == "/webhooks/rest/webhook":
            app.state.messages.append(json.loads(body))
        answer = transport.handle_request(httpx.Request(request.method, str(request.url), content=body))
        return Response(answer.read(), status_code=answer.status_code, media_type="application/json")

    app.add_api_route("/webhooks/rest/webhook", relay, methods=["POST"])
    app.add_api_route("/conversations/{sender}/tracker/events", relay, methods=["POST"])
    app.add_api_route("/status", relay, methods=["GET"])
    return app
