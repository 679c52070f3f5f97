"""An editor works the training inbox in headless Chromium, with the keyboard; axe-core finds nothing serious."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gateway.rasa_client import RasaClient
from guichet.db import session_scope
from guichet.models import KBEntry, OffTopicExample, Role, utcnow
from guichet.settings import Settings
from handoff_api.main import create_app
from knowledge_base.inbox_store import propose, record_search
from knowledge_base.store import create_entry
from knowledge_base.types import Hit, PageElsewhere
from knowledge_base.validation import EntryData
from testing.fakes import fake_rasa_transport
from testing.live import LiveServer, serve
from tests.web.accessibility import assert_accessible
from tests.web.conftest import screenshot
from tests.web.test_console import DatabaseKnowledgeBase, add_account, log_in

pytestmark = pytest.mark.browser

ENTRIES = {"urbanisme-declaration-prealable": "Quels travaux demandent une déclaration préalable ?",
           "urbanisme-depot-suivi": "Comment déposer et suivre une demande d'urbanisme ?",
           "piscines-horaires": "Quels sont les horaires des piscines ?"}
QUESTIONS = ("je peux envoyer ma déclaration de travaux sur internet ? mon tel 06 12 34 56 78",
             "déposer une déclaration préalable en ligne c'est possible",
             "il fera beau samedi pour le marché ?")
HELD_BACK = "il me faut un permis de construire pour agrandir la maison de 30 m² ?"
PERMIT = PageElsewhere(id="F1986", title="Permis de construire", lead=0.034,
                       url="https://www.service-public.fr/particuliers/vosdroits/F1986")


def hits(*ids: str) -> list[Hit]:
    return [Hit(id=i, score=round(0.95 - n * 0.02, 3), question=ENTRIES[i], answer="", department="urbanisme")
            for n, i in enumerate(ids)]


@pytest.fixture
def inbox_app(settings: Settings) -> Iterator[LiveServer]:
    knowledge_base = DatabaseKnowledgeBase()

    def loader(_settings, factory):  # type: ignore[no-untyped-def]
        with session_scope(factory) as session:
            for entry_id, question in ENTRIES.items():
                create_entry(session, data=EntryData(id=entry_id, question=question, answer="Voir notre page.",
                                                     department="urbanisme"), actor="import")
            ranked = hits("urbanisme-declaration-prealable", "urbanisme-depot-suivi", "piscines-horaires")
            for number, text in enumerate(QUESTIONS):
                record_search(session, search_log_id=None, conversation_id=f"c{number}", text=text,
                              decision="clarify", hits=ranked)
            record_search(session, search_log_id=None, conversation_id="c9", text=HELD_BACK, decision="clarify",
                          hits=ranked, page=PERMIT)
            propose(session, conversation_id="c1", asked_before=utcnow(), question=QUESTIONS[1],
                    decision="clarify", hits=[], by="alice", handoff_id=1, entry_id="urbanisme-depot-suivi")
        knowledge_base.factory = factory
        knowledge_base.load()
        return knowledge_base

    rasa = RasaClient("http://rasa.test", transport=fake_rasa_transport(knowledge_base))
    with serve(create_app(settings, knowledge_base_loader=loader, rasa=rasa)) as server:
        yield server


def test_an_editor_works_the_inbox_with_the_keyboard(page, inbox_app: LiveServer) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    add_account(inbox_app, "eve", Role.EDITOR)
    log_in(page, inbox_app, "eve", "/console/kb")
    page.get_by_role("navigation").get_by_role("link", name="Boîte d'entraînement").click()
    expect(page.get_by_role("heading", name="Boîte d'entraînement")).to_be_visible()
    expect(page.locator("article", has_text="mon tel [téléphone]")).to_be_visible()
    expect(page.get_by_text("06 12 34 56 78")).to_have_count(0)
    expect(page.get_by_text("Proposition de alice")).to_be_visible()
    held = page.locator("article", has_text="agrandir la maison")
    expect(held.get_by_role("note")).to_contain_text("Service-public.fr a une page plus proche")
    expect(held.get_by_role("link", name="Permis de construire (nouvel onglet)")).to_have_attribute("href", PERMIT.url)
    assert_accessible(page, "training inbox")
    screenshot(page, "console-inbox")

    first = page.locator("article", has_text="mon tel [téléphone]")
    chooser = first.get_by_label("Entrée qui répond")
    expect(chooser).to_have_value("urbanisme-declaration-prealable")  # the bot's first choice
    chooser.focus()
    chooser.select_option("urbanisme-depot-suivi")
    page.keyboard.press("Tab")
    expect(first.get_by_role("button", name="Confirmer comme variante")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("l'assistant y répond dès le prochain message")
    assert inbox_app.app.state.knowledge_base.refreshed[-1] == ["urbanisme-depot-suivi"]

    proposed = page.locator("article", has_text="en ligne c'est possible")
    expect(proposed.get_by_label("Entrée qui répond")).to_have_value("urbanisme-depot-suivi")  # the agent's label
    weather = page.locator("article", has_text="il fera beau samedi")
    weather.get_by_role("button", name="Hors sujet").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("questions que nous ne traitons pas ici")
    expect(page.locator("article", has_text="il fera beau samedi")).to_have_count(0)
    assert_accessible(page, "training inbox after two actions")

    page.get_by_label("Questions").select_option("all")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_text("confirmée : urbanisme-depot-suivi par eve")).to_be_visible()
    with session_scope(inbox_app.app.state.session_factory) as session:
        entry = session.get(KBEntry, "urbanisme-depot-suivi")
        assert entry is not None and entry.variants == [
            "je peux envoyer ma déclaration de travaux sur internet ? mon tel [téléphone]"]
        assert session.query(OffTopicExample).filter_by(text="il fera beau samedi pour le marché ?").count() == 1

    page.goto(f"{inbox_app.url}/console/kb")
    expect(page.get_by_role("heading", name="Qualité en production")).to_be_visible()
    assert_accessible(page, "knowledge base with production quality")
