"""The citizen's web chat widget in headless Chromium: demo page, keyboard, answers, clarify, handoff, an agent's
live reply, reload, safe rendering of hostile text, embedding from another origin, and errors in plain French."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from gateway.rasa_client import RasaClient
from guichet.crud.agents import create_agent
from guichet.db import session_scope
from guichet.models import Message, Role
from guichet.settings import Settings
from handoff_api.main import create_app
from handoff_api.rate_limit import RateLimiter
from testing.fakes import KeywordKnowledgeBase, fake_rasa_transport
from testing.live import LiveServer, free_port, serve
from tests.web.conftest import screenshot

pytestmark = pytest.mark.browser

CHOICES = [{"faq_id": "piscines-horaires", "question": "Quels sont les horaires des piscines ?"},
           {"faq_id": "papiers-cni", "question": "Comment refaire ma carte d'identité ?"}]
HOSTILE = "Attention <img src=x onerror=alert(1)> : voir https://www.ville-demo.fr/piscines."


def widget_transport(knowledge_base: KeywordKnowledgeBase) -> httpx.MockTransport:
    """The stand-in Rasa, plus a clarify for "choix", its answer for "1", and hostile text for "lien"."""
    inner = fake_rasa_transport(knowledge_base)

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/webhooks/rest/webhook":
            body = json.loads(request.content)
            text = body["message"].strip().lower()
            custom: dict[str, Any] | None = None
            if "choix" in text:
                custom = {"text": "Je ne suis pas sûr. 1. Horaires des piscines 2. Carte d'identité. Tapez le numéro.",
                          "kind": "clarify", "suggestions": CHOICES}
            elif text == "1":
                custom = {"text": "Les piscines ouvrent de 7h à 20h.", "kind": "answer", "faq_id": "piscines-horaires"}
            elif "lien" in text:
                custom = {"text": HOSTILE, "kind": "info"}
            if custom is not None:
                return httpx.Response(200, json=[{"recipient_id": body["sender"], "custom": custom}])
        return inner.handle_request(request)

    return httpx.MockTransport(handle)


@pytest.fixture
def widget_app(settings: Settings) -> Iterator[LiveServer]:
    knowledge_base = KeywordKnowledgeBase()
    rasa = RasaClient("http://rasa.test", transport=widget_transport(knowledge_base))
    with serve(create_app(settings, knowledge_base_loader=lambda _s, _f: knowledge_base, rasa=rasa)) as server:
        yield server


def ask(page, text: str) -> None:  # type: ignore[no-untyped-def]
    box = page.get_by_label("Votre message")
    box.fill(text)
    box.press("Enter")


def bubbles(page, selector: str = ".msg"):  # type: ignore[no-untyped-def]
    return page.locator(f".guichet-widget {selector}")


def agent_replies(server: LiveServer, text: str) -> None:
    with session_scope(server.app.state.session_factory) as session:
        _, token = create_agent(session, name="alice", role=Role.AGENT)
    agent = {"Authorization": f"Bearer {token}"}
    waiting = httpx.get(f"{server.url}/api/handoffs?status=waiting", headers=agent).json()
    handoff_id = waiting[0]["id"]
    assert httpx.post(f"{server.url}/api/handoffs/{handoff_id}/claim", headers=agent).status_code == 200
    reply = httpx.post(f"{server.url}/api/handoffs/{handoff_id}/reply", json={"text": text}, headers=agent)
    assert reply.status_code == 200, reply.text


def test_a_citizen_talks_to_the_bot_then_to_an_agent(widget_app: LiveServer, page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    alerts: list[str] = []

    def on_dialog(dialog) -> None:  # type: ignore[no-untyped-def]
        alerts.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(f"{widget_app.url}/")
    expect(page.get_by_role("heading", name="Ville de Démo")).to_be_visible()
    launcher = page.get_by_role("button", name="Une question ?")
    for _ in range(30):
        page.keyboard.press("Tab")
        if launcher.evaluate("node => node.getRootNode().activeElement === node"):
            break
    expect(launcher).to_be_focused()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Discussion avec la mairie")
    expect(dialog).to_be_visible()
    expect(page.get_by_label("Votre message")).to_be_focused()
    screenshot(page, "widget-open")

    ask(page, "bonjour")
    expect(bubbles(page, ".from-bot").first).to_contain_text("Bonjour")
    ask(page, "Quels sont les horaires de la piscine ?")
    expect(bubbles(page, ".kind-answer").last).to_contain_text("Les piscines ouvrent de 7h à 20h.")
    screenshot(page, "widget-answer")

    ask(page, "je voudrais faire un choix")
    choice = page.get_by_role("button", name="1. Quels sont les horaires des piscines ?")
    expect(choice).to_be_visible()
    screenshot(page, "widget-clarify")
    choice.click()
    expect(bubbles(page, ".from-citizen .text").last).to_have_text("Quels sont les horaires des piscines ?")
    expect(bubbles(page, ".kind-answer")).to_have_count(2)
    expect(choice).to_be_disabled()
    with widget_app.app.state.session_factory() as session:
        sent = session.scalars(select(Message.text).where(Message.author == "citizen").order_by(Message.id)).all()
    assert sent[-1] == "1"

    ask(page, "le lien svp")
    hostile = bubbles(page, ".msg").last
    expect(hostile).to_contain_text("<img src=x onerror=alert(1)>")
    expect(hostile.locator("a")).to_have_attribute("href", "https://www.ville-demo.fr/piscines")
    assert bubbles(page, "img").count() == 0

    ask(page, "mon voisin a un problème de succession")
    notice = bubbles(page, ".kind-handoff")
    expect(notice).to_contain_text("Référence : G-")
    expect(notice).to_contain_text("Transmis à une personne de la mairie")
    screenshot(page, "widget-handoff")

    agent_replies(widget_app, "Bonjour, je suis Alice de la mairie : je regarde votre dossier.")
    expect(bubbles(page, ".from-agent")).to_contain_text("je regarde votre dossier")
    expect(bubbles(page, ".from-agent")).to_have_count(1)
    screenshot(page, "widget-agent-reply")
    shown = bubbles(page).count()
    assert (bubbles(page, ".from-citizen").count(), shown) == (6, 13)  # 6 messages, 6 bot replies, 1 agent: once each

    page.reload()
    expect(dialog).to_be_visible()
    expect(bubbles(page)).to_have_count(shown)
    expect(bubbles(page, ".from-agent")).to_contain_text("je regarde votre dossier")
    expect(bubbles(page, ".kind-handoff")).to_contain_text("Référence : G-")
    screenshot(page, "widget-after-reload")
    page.get_by_label("Votre message").press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()
    assert alerts == []


@contextmanager
def city_site(html: str) -> Iterator[str]:
    """The city's own site: another origin (another port) serving one page that embeds the widget."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_the_widget_works_embedded_in_another_site(widget_app: LiveServer, page) -> None:  # type: ignore[no-untyped-def]
    """The city's site is another origin than Guichet: the one tag, CORS and the event stream hold."""
    from playwright.sync_api import expect

    html = (f'<!doctype html><html lang="fr"><head><title>Ma ville</title></head><body><h1>Ma ville</h1>'
            f'<script src="{widget_app.url}/widget.js" defer></script></body></html>')
    with city_site(html) as city:
        page.goto(city)
        page.get_by_role("button", name="Une question ?").click()
        ask(page, "bonjour")
        expect(bubbles(page, ".from-bot")).to_contain_text("Bonjour")
        ask(page, "mon voisin a un problème de succession")
        expect(bubbles(page, ".kind-handoff")).to_be_visible()
        page.get_by_role("button", name="Fermer la discussion").click()
        agent_replies(widget_app, "Je prends votre demande.")
        page.get_by_role("button", name="Nouveau message de la mairie").click()
        expect(bubbles(page, ".from-agent")).to_contain_text("Je prends votre demande.")
        screenshot(page, "widget-embedded")


def test_errors_are_told_in_plain_french(widget_app: LiveServer, page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.goto(f"{widget_app.url}/")
    page.get_by_role("button", name="Une question ?").click()
    box = page.get_by_label("Votre message")
    box.fill("x" * 6000)
    assert len(box.input_value()) == 5000
    expect(page.locator(".guichet-widget .counter")).to_contain_text("5 000 / 5 000")

    alert = page.get_by_role("alert")
    page.route("**/messages", lambda route: route.abort())
    ask(page, "bonjour")
    expect(alert).to_contain_text("le service ne répond pas")
    expect(box).to_have_value("bonjour")
    expect(bubbles(page)).to_have_count(0)
    screenshot(page, "widget-error-network")
    page.unroute("**/messages")

    widget_app.app.state.message_limiter = RateLimiter(limit=1, window_seconds=60)
    ask(page, "bonjour")
    expect(bubbles(page, ".from-bot")).to_have_count(1)
    expect(alert).to_be_hidden()
    ask(page, "encore bonjour")
    expect(alert).to_contain_text("trop de messages")
    expect(alert).to_contain_text("Patientez")
    expect(box).to_have_value("encore bonjour")
    screenshot(page, "widget-error-rate-limit")
