"""« Cette réponse vous aide ? » and the rating after a person's help, in the widget in headless Chromium,
with the keyboard only: real buttons, their pressed state, the status announced, the person offered."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from guichet.crud.agents import create_agent
from guichet.db import session_scope
from guichet.models import Feedback, Handoff, Role
from testing.live import LiveServer
from tests.web.accessibility import assert_accessible
from tests.web.conftest import screenshot

pytestmark = pytest.mark.browser


def open_widget(page, url: str):  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.goto(f"{url}/")
    page.get_by_role("button", name="Une question ?").click()
    box = page.get_by_label("Votre message")
    box.fill("Quels sont les horaires de la piscine ?")
    box.press("Enter")
    expect(page.locator(".guichet-widget .kind-answer")).to_have_count(1)
    return box


def rows(server: LiveServer) -> list[Feedback]:
    with session_scope(server.app.state.session_factory) as session:
        return list(session.scalars(select(Feedback).order_by(Feedback.id)))


def test_yes_then_no_with_the_keyboard_offers_a_person(live_app: LiveServer, page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    box = open_widget(page, live_app.url)
    question = page.get_by_role("group", name="Cette réponse vous aide ?")
    expect(question).to_have_count(1)
    yes, no = question.get_by_role("button", name="Oui"), question.get_by_role("button", name="Non")
    expect(yes).to_have_attribute("aria-pressed", "false")
    assert_accessible(page, "widget with the feedback buttons")
    screenshot(page, "widget-feedback")

    box.focus()
    page.keyboard.press("Shift+Tab")  # from the message box back to the last answer's buttons
    expect(no).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(yes).to_be_focused()
    page.keyboard.press("Enter")
    expect(yes).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("status")).to_have_text("Merci pour votre avis.")
    expect(yes).to_be_focused()  # nothing moved: the citizen may go on or change their mind
    assert [(r.helpful, r.source) for r in rows(live_app)] == [(True, "button")]

    page.keyboard.press("Tab")
    expect(no).to_be_focused()
    page.keyboard.press("Space")  # changes the verdict: the last word wins, and a person is offered
    handoff = page.locator(".guichet-widget .kind-handoff")
    expect(handoff).to_contain_text("Désolé que cette réponse ne vous aide pas.")
    expect(page.locator(".guichet-widget .from-citizen .text").last).to_have_text("Non, cette réponse ne m'aide pas.")
    expect(no).to_have_attribute("aria-pressed", "true")
    expect(yes).to_have_attribute("aria-pressed", "false")
    expect(page.get_by_role("status")).to_contain_text("Une personne de la mairie va reprendre votre question.")
    expect(box).to_be_focused()  # ready to add details for the person
    screenshot(page, "widget-feedback-no")
    assert [(r.helpful, r.source) for r in rows(live_app)] == [(False, "button")]
    with session_scope(live_app.app.state.session_factory) as session:
        assert [h.reason for h in session.scalars(select(Handoff))] == ["request_human"]

    page.reload()  # the verdict given is shown again
    expect(page.get_by_role("group", name="Cette réponse vous aide ?").get_by_role("button", name="Non")) \
        .to_have_attribute("aria-pressed", "true")


def test_rating_a_persons_help_with_the_keyboard(live_app: LiveServer, page) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    box = open_widget(page, live_app.url)
    box.fill("mon voisin a un problème de succession")  # the stand-in FAQ has no answer: a person takes it
    box.press("Enter")
    expect(page.locator(".guichet-widget .kind-handoff")).to_contain_text("Référence : G-")
    with session_scope(live_app.app.state.session_factory) as session:
        _, token = create_agent(session, name="alice", role=Role.AGENT)
    agent = {"Authorization": f"Bearer {token}"}
    handoff_id = httpx.get(f"{live_app.url}/api/handoffs", headers=agent).json()[0]["id"]
    httpx.post(f"{live_app.url}/api/handoffs/{handoff_id}/claim", headers=agent)
    httpx.post(f"{live_app.url}/api/handoffs/{handoff_id}/reply", json={"text": "C'est réglé."}, headers=agent)
    assert httpx.post(f"{live_app.url}/api/handoffs/{handoff_id}/resolve", headers=agent).status_code == 200

    rating = page.get_by_role("group", name="Votre avis sur l'aide reçue")
    expect(rating).to_be_visible()  # came live through the event stream
    up = rating.get_by_role("button", name="Oui, l'aide reçue m'a été utile")
    screenshot(page, "widget-rating")
    up.focus()
    page.keyboard.press("Enter")
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("status")).to_have_text("Merci pour votre avis.")
    assert_accessible(page, "widget with the rating buttons")
    assert [(r.kind, r.helpful, r.handoff_id) for r in rows(live_app)] == [("help", True, handoff_id)]
