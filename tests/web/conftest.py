"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright, and a live app to point it at."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.rasa_client import RasaClient
from guichet.settings import Settings
from handoff_api.main import create_app
from testing.fakes import KeywordKnowledgeBase, fake_rasa_transport
from testing.live import LiveServer, serve
from testing.needs import unavailable

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
ARTEFACTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        unavailable(f"{CHROMIUM} is missing (make test installs Debian's chromium as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def live_app(settings: Settings) -> Iterator[LiveServer]:
    """The application on a real port, with a keyword knowledge base and a stand-in Rasa."""
    knowledge_base = KeywordKnowledgeBase()
    rasa = RasaClient("http://rasa.test", transport=fake_rasa_transport(knowledge_base))
    app = create_app(settings, knowledge_base_loader=lambda _s, _f: knowledge_base, rasa=rasa)
    with serve(app) as server:
        yield server


def screenshot(page, name: str) -> Path:  # type: ignore[no-untyped-def]
    """Keep a picture of the page as a test artefact (docs/screenshots/, shown in the README)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
