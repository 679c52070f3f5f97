"""The agents' console in headless Chromium: live queue, claim, reply, resolve; the KB editor; hostile text."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select

from gateway.rasa_client import RasaClient
from guichet.crud.agents import create_agent
from guichet.db import session_scope
from guichet.models import EntryStatus, KBEntry, Role
from guichet.settings import Settings
from handoff_api.main import create_app
from knowledge_base.store import create_entry
from knowledge_base.types import Decision, Hit, SearchResult
from knowledge_base.validation import EntryData, weighted_length
from testing.fakes import KeywordKnowledgeBase, fake_rasa_transport
from testing.live import LiveServer, serve
from tests.web.conftest import screenshot

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-42"
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)> ma demande de succession"


def add_account(server: LiveServer, name: str, role: Role) -> None:
    with session_scope(server.app.state.session_factory) as session:
        create_agent(session, name=name, role=role, password=PASSWORD)


def log_in(page, server: LiveServer, name: str, path: str = "/console") -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}{path}")
    page.get_by_label("Identifiant").fill(name)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_label("Mot de passe").press("Enter")
    page.wait_for_url(f"{server.url}{path}")


def citizen_says(server: LiveServer, text: str) -> tuple[str, dict[str, str]]:
    opened = httpx.post(f"{server.url}/api/webchat/conversations", timeout=5).json()
    headers = {"Authorization": f"Bearer {opened['token']}"}
    response = httpx.post(f"{server.url}/api/webchat/conversations/{opened['conversation_id']}/messages",
                          json={"text": text}, headers=headers, timeout=10)
    assert response.json()["replies"][0]["kind"] == "handoff"
    return opened["conversation_id"], headers


def test_agent_sees_a_handoff_live_claims_replies_and_resolves(page, live_app: LiveServer) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import Dialog, expect

    dialogs: list[str] = []
    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    add_account(live_app, "alice", Role.AGENT)
    page.goto(f"{live_app.url}/console")
    expect(page.get_by_role("heading", name="Connexion à la console")).to_be_visible()
    screenshot(page, "console-login")
    log_in(page, live_app, "alice")
    expect(page.get_by_text("Aucune demande ne correspond.")).to_be_visible()

    conversation_id, citizen = citizen_says(live_app, HOSTILE)
    row = page.locator("#queue-rows a", has_text="G-")
    expect(row).to_be_visible(timeout=10_000)
    expect(page.locator("#live-status")).to_have_text("Nouvelle demande reçue.")
    expect(page.locator("#queue-rows")).to_contain_text("<script>alert(1)</script>")
    screenshot(page, "console-queue")

    row.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Demande G-")).to_be_visible()
    expect(page.locator("#transcript .msg-citizen .text")).to_have_text(HOSTILE)
    page.get_by_role("button", name="Prendre en charge").click()
    expect(page.get_by_text("Demande prise en charge.")).to_be_visible()

    page.get_by_role("button", name="Insérer dans la réponse").first.click()
    expect(page.locator("#reply")).not_to_have_value("")
    reply = page.locator("#reply")
    reply.fill("Bonjour, je transmets votre dossier au service de l'état civil.")
    expect(page.locator("#reply-count")).to_have_text("63 / 5000")
    screenshot(page, "console-conversation")
    page.get_by_role("button", name="Envoyer la réponse").click()
    expect(page.get_by_text("Réponse envoyée.")).to_be_visible()
    page.get_by_role("button", name="Marquer comme résolue").click()
    expect(page.get_by_text("Demande résolue.")).to_be_visible()

    messages = httpx.get(f"{live_app.url}/api/webchat/conversations/{conversation_id}/messages", headers=citizen,
                         timeout=5).json()["messages"]
    assert messages[-2]["author"] == "agent"
    assert messages[-2]["text"] == "Bonjour, je transmets votre dossier au service de l'état civil."
    assert (messages[-1]["author"], messages[-1]["kind"]) == ("bot", "rating")  # the citizen may rate the help
    assert dialogs == [], "hostile citizen text must never run"


class DatabaseKnowledgeBase(KeywordKnowledgeBase):
    """Answers from the published entries it last loaded; ``refresh`` reloads them, as the real one does."""

    def __init__(self) -> None:
        super().__init__()
        self.factory = None
        self.entries: dict[str, KBEntry] = {}

    def load(self) -> None:
        assert self.factory is not None
        with self.factory() as session:
            rows = session.scalars(select(KBEntry).where(KBEntry.status == EntryStatus.PUBLISHED.value))
            self.entries = {entry.id: entry for entry in rows}

    def refresh(self, entry_ids: list[str] | None = None) -> None:
        super().refresh(entry_ids)
        self.load()

    def search(self, text: str, *, top_k: int = 3) -> SearchResult:
        hits = [Hit(id=e.id, score=0.9 if e.id.split("-")[0][:5] in text.lower() else 0.4, question=e.question,
                    answer=e.answer, department=e.department) for e in self.entries.values()]
        hits.sort(key=lambda hit: -hit.score)
        decision: Decision = "answer" if hits and hits[0].score > 0.8 else "handoff"
        return SearchResult(query=text, decision=decision, hits=hits[:top_k])


@pytest.fixture
def kb_app(settings: Settings) -> Iterator[LiveServer]:
    knowledge_base = DatabaseKnowledgeBase()

    def loader(_settings, factory):  # type: ignore[no-untyped-def]
        with session_scope(factory) as session:
            create_entry(session, data=EntryData(id="piscines-horaires", answer="Les piscines ouvrent de 7h à 20h.",
                                                 question="Quels sont les horaires des piscines ?",
                                                 department="sports"), actor="import")
        knowledge_base.factory = factory
        knowledge_base.load()
        return knowledge_base

    rasa = RasaClient("http://rasa.test", transport=fake_rasa_transport(knowledge_base))
    with serve(create_app(settings, knowledge_base_loader=loader, rasa=rasa)) as server:
        yield server


def test_editor_changes_an_answer_and_the_next_search_uses_it(page, kb_app: LiveServer) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    add_account(kb_app, "eve", Role.EDITOR)
    log_in(page, kb_app, "eve", "/console/kb")
    page.get_by_label("Question d'un usager").fill("horaires de la piscine")
    page.get_by_role("button", name="Tester").click()
    expect(page.locator("#kb-test-result")).to_contain_text("Les piscines ouvrent de 7h à 20h.")
    expect(page.locator("#kb-test-result")).to_contain_text("répondre avec la FAQ")
    screenshot(page, "console-kb")

    page.get_by_role("link", name="piscines-horaires").first.click()
    answer = page.get_by_label("Réponse (vouvoiement, 280 caractères pondérés au plus)")
    new_answer = "Les piscines ouvrent de 8h à 21h : https://www.ville-demo.fr/piscines 🏊"
    answer.fill(new_answer)
    assert weighted_length(new_answer) == 61 < len(new_answer), "a link weighs 23, an emoji 2"
    expect(page.locator("#answer-count")).to_have_text("61 / 280")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("Entrée enregistrée")).to_be_visible()
    expect(page.locator(".revisions ins").first).to_contain_text("8h")
    screenshot(page, "console-kb-entry")
    assert kb_app.app.state.knowledge_base.refreshed[-1] == ["piscines-horaires"]

    page.get_by_role("link", name="← Base de connaissances").click()
    page.get_by_label("Question d'un usager").fill("horaires de la piscine")
    page.get_by_role("button", name="Tester").click()
    expect(page.locator("#kb-test-result")).to_contain_text("Les piscines ouvrent de 8h à 21h")


def test_admin_page_and_the_queue_on_a_phone(page, live_app: LiveServer) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    add_account(live_app, "root", Role.ADMIN)
    log_in(page, live_app, "root", "/console/admin")
    page.get_by_label("Nom du compte").fill("bob")
    page.get_by_label("Mot de passe (8 caractères au moins)").fill(PASSWORD)
    page.get_by_role("button", name="Créer", exact=True).click()
    expect(page.locator("#new-token")).to_contain_text("gch_")
    screenshot(page, "console-admin")
    citizen_says(live_app, "un souci de succession")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_app.url}/console")
    expect(page.locator("#queue-rows a", has_text="G-")).to_be_visible()
    screenshot(page, "console-queue-phone")
