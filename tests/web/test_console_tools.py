"""The console tools in headless Chromium: canned replies with "/", two agents' presence, search with pages,
routing and availability, keyboard shortcuts, account management; axe-core on every console page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest

from guichet.crud import conversations as conv_crud
from guichet.crud import handoffs as crud
from guichet.crud.agents import create_agent
from guichet.db import session_scope
from guichet.models import Role
from handoff_api.routing_task import run_once
from knowledge_base.store import create_entry
from knowledge_base.validation import EntryData
from testing.live import LiveServer
from tests.web.accessibility import assert_accessible
from tests.web.conftest import screenshot

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-42"


@pytest.fixture
def contexts(browser) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """Opens browser contexts (separate cookie jars: separate agents) and closes them at the end."""
    opened: list[Any] = []

    def new_page() -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
        opened.append(context)
        return context.new_page()

    yield new_page
    for context in opened:
        context.close()


def add_account(server: LiveServer, name: str, role: Role) -> int:
    with session_scope(server.app.state.session_factory) as session:
        agent, _ = create_agent(session, name=name, role=role, password=PASSWORD)
        return agent.id


def log_in(page: Any, server: LiveServer, name: str, path: str = "/console", password: str = PASSWORD) -> None:
    page.goto(f"{server.url}/console/login?next={path}")
    page.get_by_label("Identifiant").fill(name)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_label("Mot de passe").press("Enter")
    page.wait_for_load_state()


def handoff(server: LiveServer, *said: str, department: str = "accueil", channel: str = "webchat") -> int:
    with session_scope(server.app.state.session_factory) as session:
        conversation = conv_crud.new_conversation(session, channel=channel)
        for text in said:
            conv_crud.add_inbound(session, conversation=conversation, text=text, channel=channel)
        made, _ = crud.create_handoff(session, conversation=conversation, department=department, reason="question",
                                      summary=said[0][:80], hours=server.app.state.hours, first_response_hours=8,
                                      reopen_window=timedelta(hours=1))
        return made.id


def citizen_writes(server: LiveServer, handoff_id: int, text: str) -> None:
    with session_scope(server.app.state.session_factory) as session:
        found = crud.get_handoff(session, handoff_id=handoff_id)
        conversation = conv_crud.get_conversation(session, conversation_id=found.conversation_id)
        conv_crud.add_inbound(session, conversation=conversation, text=text, channel=conversation.channel)
        conversation_id = conversation.id
    server.app.state.events.publish("handoffs", {"type": "message", "handoff_id": handoff_id,
                                                 "conversation_id": conversation_id})


def wait_until_live(page: Any, server: LiveServer) -> None:
    """The queue's event stream is connected: an announcement sent now refreshes it."""
    import time

    deadline = time.monotonic() + 10
    while page.locator("#live-status").inner_text() != "File mise à jour.":
        assert time.monotonic() < deadline, "the queue's event stream did not connect"
        server.app.state.events.publish("handoffs", {"type": "handoff", "handoff_id": 0, "action": "noted"})
        page.wait_for_timeout(300)


def test_every_console_page_has_no_serious_accessibility_violation(contexts, live_app: LiveServer) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    add_account(live_app, "root", Role.ADMIN)
    alice = add_account(live_app, "alice", Role.AGENT)
    add_account(live_app, "eve", Role.EDITOR)
    with session_scope(live_app.app.state.session_factory) as session:
        create_entry(session, data=EntryData(id="piscines-horaires", answer="Les piscines ouvrent de 7h à 20h.",
                                             question="Quels sont les horaires des piscines ?", department="sports"),
                     actor="import")
    handoff_id = handoff(live_app, "Bonjour, je voudrais un acte de naissance")
    page = contexts()
    page.goto(f"{live_app.url}/console/login")
    assert_accessible(page, "login")
    log_in(page, live_app, "root")
    pages = ["/console", "/console?status=all&q=naissance", f"/console/handoffs/{handoff_id}", "/console/kb",
             "/console/kb/new", "/console/kb/entries/piscines-horaires", "/console/canned", "/console/admin",
             f"/console/admin/agents/{alice}", "/console/admin/departments/voirie", "/console/journal",
             "/console/password", "/console/handoffs/999"]
    for path in pages:
        page.goto(f"{live_app.url}{path}")
        expect(page.locator("h1").first).to_be_visible()
        assert_accessible(page, path)
    page.goto(f"{live_app.url}/console")
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Raccourcis clavier")).to_be_visible()
    assert_accessible(page, "shortcuts dialog")

    editor = contexts()
    log_in(editor, live_app, "eve", "/console/kb")
    editor.goto(f"{live_app.url}/console/admin")
    expect(editor.get_by_role("heading", name="Accès refusé")).to_be_visible()
    assert_accessible(editor, "403 page")


def test_an_editor_writes_a_canned_reply_and_an_agent_inserts_it_with_slash(contexts, live_app: LiveServer) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    add_account(live_app, "eve", Role.EDITOR)
    add_account(live_app, "alice", Role.AGENT)
    editor = contexts()
    log_in(editor, live_app, "eve", "/console/kb")
    editor.get_by_role("link", name="Réponses types").click()
    editor.get_by_label("Titre", exact=True).fill("Accusé de réception")
    editor.get_by_label("Texte", exact=True).fill(
        "Bonjour, votre demande {reference} est transmise au service {department}. Réponse dès {next_opening}.")
    editor.get_by_role("button", name="Ajouter").click()
    expect(editor.get_by_text("Réponse type ajoutée.")).to_be_visible()
    editor.get_by_label("Titre", exact=True).fill("Erreur")
    editor.get_by_label("Texte", exact=True).fill("Bonjour {prenom}")
    editor.get_by_role("button", name="Ajouter").click()
    expect(editor.get_by_role("alert")).to_contain_text("unknown variable(s) {prenom}")
    editor.get_by_label("Titre", exact=True).fill("Trop long pour X")
    editor.get_by_label("Texte", exact=True).fill("Merci. " + "Voici le détail de la procédure. " * 10)
    editor.get_by_role("button", name="Ajouter").click()
    assert_accessible(editor, "canned replies")
    screenshot(editor, "console-canned")

    handoff_id = handoff(live_app, "Mon lampadaire ne marche plus", department="eclairage", channel="x_mention")
    agent = contexts()
    log_in(agent, live_app, "alice", f"/console/handoffs/{handoff_id}")
    agent.get_by_role("button", name="Prendre en charge").click()
    reference = agent.get_by_role("heading", level=1).inner_text().split()[1]
    reply = agent.locator("#reply")
    reply.press_sequentially("/acc")
    options = agent.locator("#canned-list").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Accusé de réception")
    assert_accessible(agent, "canned picker open")
    screenshot(agent, "console-canned-insert")
    reply.press("Enter")
    expect(reply).to_have_value(f"Bonjour, votre demande {reference} est transmise au service Éclairage public. "
                                "Réponse dès " + reply.input_value().split("Réponse dès ")[1])
    assert "{" not in reply.input_value()
    length = len(reply.input_value())
    expect(agent.locator("#reply-count")).to_have_text(f"{length} / 280")
    reply.press_sequentially(" /trop")
    expect(agent.locator("#canned-list").get_by_role("option").first).to_contain_text("trop longue pour ce canal")
    reply.press("Enter")
    assert len(reply.input_value()) == length + 6, "a reply longer than the channel allows is not inserted"
    reply.press("Escape")
    reply.fill(reply.input_value()[:length])
    agent.get_by_role("button", name="Envoyer la réponse").click()
    expect(agent.get_by_text("Réponse envoyée.")).to_be_visible()


def test_two_agents_see_each_other_and_an_unseen_message_asks_for_confirmation(contexts, live_app: LiveServer) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    add_account(live_app, "alice", Role.AGENT)
    add_account(live_app, "bob", Role.AGENT)
    handoff_id = handoff(live_app, "Je veux inscrire mon fils à la cantine")
    alice, bob = contexts(), contexts()
    log_in(alice, live_app, "alice", f"/console/handoffs/{handoff_id}")
    alice.get_by_role("button", name="Prendre en charge").click()
    expect(alice.get_by_text("Demande prise en charge.")).to_be_visible()
    log_in(bob, live_app, "bob", f"/console/handoffs/{handoff_id}")
    expect(alice.locator("#presence")).to_have_text("bob consulte cette demande", timeout=10_000)
    expect(bob.locator("#presence")).to_have_text("alice consulte cette demande", timeout=10_000)

    for chunk in ("Bonjour, ", "pour la ", "cantine ", "il faut"):  # typing is announced at most every 3 s
        alice.locator("#reply").press_sequentially(chunk)
        if bob.locator("#presence").inner_text() != "alice écrit une réponse…":
            alice.wait_for_timeout(1000)
    expect(bob.locator("#presence")).to_have_text("alice écrit une réponse…", timeout=10_000)
    assert_accessible(bob, "presence")
    screenshot(bob, "console-presence")

    citizen_writes(live_app, handoff_id, "Pardon, c'est pour le centre de loisirs")
    expect(alice.locator("#conversation-notice")).to_be_visible(timeout=10_000)
    alice.get_by_role("button", name="Envoyer la réponse").click()
    expect(alice.get_by_role("alert")).to_contain_text("a écrit un nouveau message")
    expect(alice.locator("#transcript")).to_contain_text("centre de loisirs")
    expect(alice.locator("#reply")).to_have_value("Bonjour, pour la cantine il faut")
    assert_accessible(alice, "unseen message confirmation")
    alice.get_by_label("J'ai lu le nouveau message : envoyer quand même").check()
    alice.get_by_role("button", name="Envoyer la réponse").click()
    expect(alice.get_by_text("Réponse envoyée.")).to_be_visible()

    bob.close()
    expect(alice.locator("#presence")).to_have_text("", timeout=10_000)


def test_search_across_conversations_every_status_and_pages(contexts, live_app: LiveServer) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    add_account(live_app, "alice", Role.AGENT)
    wanted = handoff(live_app, "Bonjour", "Mon passeport a été volé hier soir")
    closed = handoff(live_app, "Renouvellement de passeport pour ma fille")
    with session_scope(live_app.app.state.session_factory) as session:
        crud.resolve(session, handoff=crud.get_handoff(session, handoff_id=closed), actor="test")
    for number in range(55):
        handoff(live_app, f"Demande {number} sur le stationnement résidentiel")
    page = contexts()
    log_in(page, live_app, "alice")
    expect(page.locator(".pager")).to_contain_text("56 demandes · page 1 / 2")
    page.get_by_role("link", name="Page suivante").click()
    expect(page.locator(".pager")).to_contain_text("page 2 / 2")
    expect(page.locator("#queue-rows tr[data-handoff-id]")).to_have_count(6)
    wait_until_live(page, live_app)
    expect(page.locator(".pager")).to_contain_text("page 2 / 2")  # a live refresh stays on the page shown

    page.goto(f"{live_app.url}/console")
    search = page.get_by_label("Rechercher dans les demandes et les conversations")
    search.fill("passeports volés")
    search.press("Enter")
    expect(page.locator("#queue-rows tr[data-handoff-id]")).to_have_count(1)
    expect(page.locator(f"#queue-rows tr[data-handoff-id='{wanted}']")).to_contain_text(
        "« Mon passeport a été volé hier soir »")
    page.get_by_label("Rechercher dans les demandes et les conversations").fill("passeport")
    page.get_by_label("Statut").select_option("all")
    expect(page.locator("#queue-rows tr[data-handoff-id]")).to_have_count(2)
    expect(page.locator(f"#queue-rows tr[data-handoff-id='{closed}']")).to_contain_text("résolue")
    expect(page.locator(f"#queue-rows tr[data-handoff-id='{closed}']")).not_to_contain_text("dans 8 h")
    assert_accessible(page, "search results")
    screenshot(page, "console-search")


def test_availability_and_a_silent_assignment_returning_to_the_queue(contexts, live_app: LiveServer) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    add_account(live_app, "alice", Role.AGENT)
    add_account(live_app, "bob", Role.AGENT)
    handoff_id = handoff(live_app, "Un arbre menace de tomber")
    alice, bob = contexts(), contexts()
    log_in(alice, live_app, "alice", f"/console/handoffs/{handoff_id}")
    alice.get_by_role("button", name="Prendre en charge").click()
    alice.get_by_role("button", name="Me mettre absent").click()
    expect(alice.locator(".availability")).to_contain_text("Absent")
    expect(alice).to_have_url(f"{live_app.url}/console/handoffs/{handoff_id}")
    with session_scope(live_app.app.state.session_factory) as session:
        found = crud.get_handoff(session, handoff_id=handoff_id)
        assert found.assigned_at is not None
        found.assigned_at -= timedelta(minutes=live_app.app.state.settings.silent_assignment_minutes + 1)

    log_in(bob, live_app, "bob")
    row = bob.locator(f"#queue-rows tr[data-handoff-id='{handoff_id}']")
    expect(row).to_contain_text("alice")
    wait_until_live(bob, live_app)
    assert run_once(live_app.app) == [handoff_id]
    expect(row).to_contain_text("sans réponse de l'agent", timeout=10_000)
    expect(row).to_contain_text("en attente")
    assert_accessible(bob, "queue with a flagged handoff")
    alice.get_by_role("button", name="Me rendre disponible").click()
    expect(alice.locator(".availability")).to_contain_text("Disponible")


def test_a_returning_conversation_goes_back_to_its_agent_unless_away(contexts, live_app: LiveServer) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    from tests.web.test_console import citizen_says

    add_account(live_app, "alice", Role.AGENT)
    alice = contexts()
    log_in(alice, live_app, "alice")
    conversation_id, citizen = citizen_says(live_app, "un souci de succession")
    alice.locator("#queue-rows a", has_text="G-").click()
    alice.get_by_role("button", name="Prendre en charge").click()
    alice.get_by_role("button", name="Marquer comme résolue").click()
    expect(alice.get_by_text("Demande résolue.")).to_be_visible()
    alice.get_by_role("link", name="← File d'attente").click()
    expect(alice.locator("#queue-rows")).to_contain_text("Aucune demande ne correspond.")
    wait_until_live(alice, live_app)

    def citizen_again() -> None:
        response = httpx.post(f"{live_app.url}/api/webchat/conversations/{conversation_id}/messages",
                              json={"text": "toujours ce souci de succession"}, headers=citizen, timeout=10)
        assert response.json()["replies"][0]["kind"] == "handoff"

    citizen_again()
    row = alice.locator("#queue-rows tr[data-handoff-id]")
    expect(row).to_contain_text("prise en charge", timeout=10_000)
    expect(row).to_contain_text("alice")
    row.get_by_role("link").click()
    alice.get_by_role("button", name="Marquer comme résolue").click()
    alice.get_by_role("button", name="Me mettre absent").click()
    alice.get_by_role("link", name="← File d'attente").click()
    wait_until_live(alice, live_app)
    citizen_again()
    expect(row).to_contain_text("en attente", timeout=10_000)
    expect(row).not_to_contain_text("alice")


def test_keyboard_shortcuts_listed_on_question_mark(contexts, live_app: LiveServer) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    add_account(live_app, "alice", Role.AGENT)
    first = handoff(live_app, "Première demande")
    handoff(live_app, "Deuxième demande")
    page = contexts()
    log_in(page, live_app, "alice")
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Raccourcis clavier")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("demande suivante")
    screenshot(page, "console-shortcuts")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(page.locator(f"#queue-rows tr[data-handoff-id='{first}'] a")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Demande G-")).to_be_visible()
    page.keyboard.press("c")
    expect(page.get_by_text("Demande prise en charge.")).to_be_visible()
    page.keyboard.press("r")
    expect(page.locator("#reply")).to_be_focused()
    page.keyboard.type("rn")
    expect(page.locator("#reply")).to_have_value("rn")  # letters typed in a field are text, not shortcuts
    page.locator("#reply").press("Escape")
    page.locator("body").click(position={"x": 5, "y": 400})
    page.keyboard.press("n")
    expect(page.locator("#note")).to_be_focused()
    page.locator("body").click(position={"x": 5, "y": 400})
    page.keyboard.press("q")
    expect(page).to_have_url(f"{live_app.url}/console")
    page.keyboard.press("/")
    expect(page.get_by_label("Rechercher dans les demandes et les conversations")).to_be_focused()


def test_an_admin_manages_accounts_and_departments(contexts, live_app: LiveServer) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    add_account(live_app, "root", Role.ADMIN)
    add_account(live_app, "alice", Role.AGENT)
    moved = handoff(live_app, "Un chat errant", department="animaux")
    admin = contexts()
    log_in(admin, live_app, "root", "/console/admin")
    admin.get_by_role("row", name="alice").get_by_role("button", name="Désactiver").click()
    admin.get_by_role("link", name="alice").click()
    admin.get_by_role("button", name="Réactiver le compte").click()
    expect(admin.get_by_text("Compte réactivé.")).to_be_visible()
    admin.get_by_label("Nouveau rôle").select_option("editor")
    admin.get_by_role("button", name="Changer le rôle").click()
    expect(admin.get_by_text("Rôle modifié.")).to_be_visible()
    admin.get_by_label("Nouveau rôle").select_option("agent")
    admin.get_by_role("button", name="Changer le rôle").click()
    admin.get_by_role("button", name="Réinitialiser le mot de passe").click()
    temporary = admin.locator("#temporary-password").inner_text()
    assert_accessible(admin, "account page")
    screenshot(admin, "console-admin-account")

    alice = contexts()
    log_in(alice, live_app, "alice", "/console", password=temporary)
    expect(alice).to_have_url(f"{live_app.url}/console/password")
    alice.get_by_label("Nouveau mot de passe (8 caractères au moins)").fill("un-nouveau-secret")
    alice.get_by_label("Le même, une seconde fois").fill("un-nouveau-secret")
    alice.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(alice.get_by_role("heading", name="File d'attente")).to_be_visible()

    admin.goto(f"{live_app.url}/console/admin/departments/animaux")
    admin.get_by_label("Nom du service").fill("Animaux en ville")
    admin.get_by_role("button", name="Renommer").click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Animaux en ville")
    admin.get_by_label("Service qui reçoit").select_option("proprete")
    admin.get_by_role("button", name="Fusionner").click()
    expect(admin.get_by_text("Services fusionnés.")).to_be_visible()
    assert_accessible(admin, "department page")
    reply = httpx.get(f"{live_app.url}/api/handoffs/{moved}", timeout=5,
                      cookies={c["name"]: c["value"] for c in admin.context.cookies()})
    assert reply.json()["department"] == "proprete"
