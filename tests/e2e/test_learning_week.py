"""Issue 18's week, through the whole stack (real Rasa and action server, app, e5 model, the fake X, Chromium).

Citizens on the web chat and on X ask questions the FAQ misses and give feedback (the web chat's buttons, a
short « non » by DM); agents resolve the handoffs with a label in the console; an editor works the training
inbox in the console: confirms the FAQ's misses as variants of their entries, and makes an entry of each question
the FAQ has none for (``NEW_NEEDS``). Then: the questions the FAQ search missed and the editor confirmed are
answered with their entry for the next citizen, held-out wordings of the same needs (``held_out``, never in the
knowledge base) are measured before and after, Rasa's loaded model is the same file, and the figures appear on
the KB page and in the Journal. Some needs never reach the FAQ search (Rasa reads them as a follow-up or a report
and opens that form): the FAQ cannot learn those, and the test does not count on them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from guichet.db import make_engine, make_session_factory
from guichet.migrate import upgrade
from guichet.models import Handoff, InboxItem, KBEntry, Role, utcnow
from handoff_api.journal import formatting as fmt
from handoff_api.journal.weeks import week_of
from handoff_api.production_quality import answer_quality
from handoff_api.stack import Stack
from knowledge_base.inbox_quality import precision
from testing.needs import unavailable
from testing.stack import running_stack, stack_settings
from testing.x_fake import FakeX
from testing.x_fake.harness import CREDENTIALS
from tests.e2e.learning import Coverage, add_login, coverage, log_in, rasa_model, x_dm
from tests.e2e.learning_week_data import HELD_OUT_OUT_OF_SCOPE, NEEDS, NEW_NEEDS, OUT_OF_SCOPE
from tests.e2e.test_walking_skeleton import open_conversation, say
from tests.e2e.traffic import fake_x_server, x_values
from tests.web import conftest as web

pytestmark = [pytest.mark.rasa, pytest.mark.browser]


@pytest.fixture
def week_page() -> Iterator[Any]:
    """Headless Chromium for this test alone, closed when it ends. Not the browser tests' ``page``: a test using
    that name gets pytest-playwright's browser parameter, which pulls every browser test in next to it, and
    their session-wide Playwright then stays open under the asyncio tests that follow."""
    if not os.path.exists(web.CHROMIUM):
        unavailable(f"{web.CHROMIUM} is missing (make test installs Debian's chromium as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=web.CHROMIUM, headless=True, args=web.CHROMIUM_ARGS)
        context = launched.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
        yield context.new_page()
        context.close()
        launched.close()


POOL = "c'est ouvert jusqu'à quelle heure la piscine le week-end ?"  # answered: the scripted « non » lands on it
MEASURED: dict[str, Coverage] = {}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, FakeX, httpx.Client]]:
    fake = FakeX(credentials=CREDENTIALS)
    var = tmp_path_factory.mktemp("learning")
    with fake_x_server(fake) as server, running_stack(stack_settings(var, x_poll_seconds=1.0, **x_values(server.url)),
                                                       var / "logs") as stack:
        upgrade(make_engine(stack.settings))
        with httpx.Client(base_url=stack.settings.resolved_api_url, timeout=60) as api:
            yield stack, fake, api


def held_out(api: httpx.Client, factory: Any, headers: dict[str, str], *, made: dict[str, str]) -> tuple[Coverage,
                                                                                                       Coverage]:
    """The held-out wordings of the FAQ's needs (with the out-of-scope ones), then those of the new needs, whose
    right entry is the one the editor ``made`` of the week's question (none before the week: any answer is wrong)."""
    known = coverage(api, factory, headers=headers, out_of_scope=HELD_OUT_OUT_OF_SCOPE,
                     needs=[(need.entry_id, text) for need in NEEDS for text in need.held_out])
    new = coverage(api, factory, headers=headers, out_of_scope=(),
                   needs=[(made.get(need.asked, ""), text) for need in NEW_NEEDS for text in need.held_out])
    return known, new


def pooled(*measured: Coverage) -> Coverage:
    return Coverage(right=sum(m.right for m in measured), answered=sum(m.answered for m in measured),
                    offered=sum(m.offered for m in measured), total=sum(m.total for m in measured),
                    out_of_scope_answered=sum(m.out_of_scope_answered for m in measured))


def web_citizen(api: httpx.Client, text: str, *, right: str | None, say_no: bool = False) -> None:
    """Asks; on an answer presses « Oui » when it is the right entry, else « Non »; unanswered, asks for a person."""
    conversation = open_conversation(api)
    replies = say(api, conversation, text)
    if replies and replies[0]["kind"] == "answer":
        messages = api.get(f"/api/webchat/conversations/{conversation[0]}/messages", headers=conversation[1]).json()
        answer_id = next(m["id"] for m in messages["messages"] if m["kind"] == "answer")
        helpful = replies[0]["faq_id"] == right and not say_no
        pressed = api.post(f"/api/webchat/conversations/{conversation[0]}/messages/{answer_id}/feedback",
                           json={"helpful": helpful}, headers=conversation[1])
        assert pressed.status_code == 200, pressed.text
    elif replies and replies[0]["kind"] != "handoff":
        say(api, conversation, "je voudrais parler à une personne de la mairie s'il vous plaît")


def x_citizen(fake: FakeX, factory: Any, sender: int, text: str, *, right: str | None, say_no: bool = False) -> None:
    """Asks by DM; after a wrong answer (or a scripted one) replies a short « non »."""
    _, replies = x_dm(fake, factory, sender=sender, text=text)
    answered = [m for m in replies if m.kind == "answer"]
    if answered and (say_no or answered[0].faq_id != right):
        _, after = x_dm(fake, factory, sender=sender, text="non, ça ne répond pas")
        assert any(m.kind == "handoff" for m in after), [(m.kind, m.text) for m in after]


def agents_resolve(page: Any, url: str, api: httpx.Client, factory: Any, agent: dict[str, str]) -> int:
    """Every waiting handoff claimed, then resolved on its console page with "entry X answers this" when the
    citizen's need is among the suggestions, "the bot should not answer this" for out-of-scope questions."""
    right = {need.asked: need.entry_id for need in NEEDS}
    log_in(page, url, "camille", "/console")
    labelled = 0
    for handoff in api.get("/api/handoffs", params={"status": "waiting"}, headers=agent).json():
        assert api.post(f"/api/handoffs/{handoff['id']}/claim", headers=agent).status_code == 200
        page.goto(f"{url}/console/handoffs/{handoff['id']}")
        transcript = page.locator("section.conversation").inner_text()
        need = next((text for text in right if text in transcript), None)
        form = page.locator("form.label-form")
        if need and form.locator(f"input[value='entry:{right[need]}']").count():
            form.locator(f"input[value='entry:{right[need]}']").check()
            labelled += 1
        elif any(text in transcript for text in OUT_OF_SCOPE):
            form.get_by_label("L'assistant ne devrait pas répondre à cette question").check()
            labelled += 1
        form.get_by_role("button", name="Résoudre avec cette étiquette").click()
        page.wait_for_load_state()
    return labelled


def editor_works_the_inbox(page: Any, url: str) -> int:
    """In the console: each citizen's question confirmed for its entry, the out-of-scope ones marked so."""
    from playwright.sync_api import expect

    log_in(page, url, "eve", "/console/kb/inbox")
    done = 0
    for text, entry_id in [(n.asked, n.entry_id) for n in NEEDS] + [(t, None) for t in OUT_OF_SCOPE] + [(POOL, None)]:
        item = page.locator("article.inbox-item", has_text=text).first
        if not item.count() or not item.get_by_label("Entrée qui répond").count():
            continue
        if text == POOL:  # the bot's answer was right after all
            item.get_by_label("Entrée qui répond").select_option("piscines-horaires")
            item.get_by_role("button", name="Confirmer comme variante").click()
        elif entry_id is None:
            item.get_by_role("button", name="Hors sujet").click()
        else:
            item.get_by_label("Entrée qui répond").select_option(entry_id)
            item.get_by_role("button", name="Confirmer comme variante").click()
        expect(page.get_by_role("status")).to_be_visible()
        done += 1
    return done


def editor_makes_entries(page: Any, url: str) -> dict[str, str]:
    """In the console: each new need's inbox item made an entry (« Nouvelle entrée »), which the editor writes
    (the citizen's words kept as a variant) and publishes. Returns the week's question -> the entry made."""
    from playwright.sync_api import expect

    made = {}
    for need in NEW_NEEDS:
        page.goto(f"{url}/console/kb/inbox")
        item = page.locator("article.inbox-item", has_text=need.asked).first
        expect(item).to_be_visible()
        item.get_by_role("button", name="Nouvelle entrée").click()
        page.wait_for_url(re.compile(r".*/console/kb/entries/brouillon-boite-\d+$"))
        entry_id = page.url.rsplit("/", 1)[-1]
        page.locator("#question").fill(need.question)
        page.locator("#answer").fill(need.answer)
        page.locator("#department").select_option(need.department)
        page.locator("#tags").fill(need.tags)
        page.locator("#variants").fill(need.asked)
        page.get_by_role("button", name="Enregistrer").click()
        page.wait_for_url(re.compile(r".*\?ok=saved$"))
        page.get_by_role("button", name="Publier").click()
        expect(page.get_by_role("status").filter(has_text="Entrée publiée")).to_be_visible()
        made[need.asked] = entry_id
    return made


def test_a_week_of_citizens_agents_and_an_editor_teaches_the_faq(world: tuple[Stack, FakeX, httpx.Client],
                                                                 week_page: Any) -> None:
    stack, fake, api = world
    page = week_page
    url = stack.settings.resolved_api_url
    factory = make_session_factory(make_engine(stack.settings))
    agent = add_login(factory, "camille", Role.AGENT)
    editor = add_login(factory, "eve", Role.EDITOR)
    model_before = rasa_model(stack)
    MEASURED["before"], MEASURED["new_before"] = held_out(api, factory, editor, made={})

    for number, need in enumerate(NEEDS):  # the week's citizens, on the web chat and by DM in turn
        if number % 2 == 0:
            web_citizen(api, need.asked, right=need.entry_id)
        else:
            x_citizen(fake, factory, 9_000 + number, need.asked, right=need.entry_id)
    web_citizen(api, NEW_NEEDS[0].asked, right=None)  # the FAQ has no entry for these two yet
    x_citizen(fake, factory, 9_050, NEW_NEEDS[1].asked, right=None)
    web_citizen(api, OUT_OF_SCOPE[0], right=None)
    x_citizen(fake, factory, 9_100, OUT_OF_SCOPE[1], right=None)
    web_citizen(api, POOL, right="piscines-horaires", say_no=True)  # the button
    x_citizen(fake, factory, 9_200, POOL, right="piscines-horaires", say_no=True)  # a short « non »

    assert agents_resolve(page, url, api, factory, agent) >= 2  # at least the out-of-scope web citizen's
    with factory() as session:
        assert not list(session.scalars(select(Handoff).where(Handoff.status != "resolved")))
    worked = editor_works_the_inbox(page, url)
    made = editor_makes_entries(page, url)

    with factory() as session:
        status: dict[str, set[str]] = {}
        for item in session.scalars(select(InboxItem)):
            status.setdefault(item.text, set()).add(item.status)
        confirmed = {item.text: item.source for item in session.scalars(
            select(InboxItem).where(InboxItem.status == "confirmed"))}
    # every need and out-of-scope question of the week that reached the inbox was worked: confirmed, or out of scope
    outcome = {need.asked: "confirmed" for need in NEEDS} | {text: "out_of_scope" for text in OUT_OF_SCOPE}
    reached = {text: expected for text, expected in outcome.items() if text in status}
    assert worked >= len(reached) and all(expected in status[text] for text, expected in reached.items()), status
    # a need read as a report, then "je voudrais parler à une personne": the agent's label lands on the need
    assert not [text for text in status if "parler à une personne" in text], status
    searched = [need for need in NEEDS if confirmed.get(need.asked) == "search"]
    # How many of the six needs reach the FAQ search depends on the Rasa model trained from the same data on the
    # machine at hand: 3 on the machines of 2026-12-05/06, 2 on one with AMX (2026-12-07: the other four read as a
    # report or a follow-up, which open their form). The loop must work for those that do.
    assert len(searched) >= 2, confirmed  # the FAQ's misses the editor confirmed from the inbox
    for need in searched:  # the next citizen asking a confirmed question gets its entry
        replies = say(api, open_conversation(api), need.asked)
        assert replies[0]["kind"] == "answer" and replies[0]["faq_id"] == need.entry_id, (need.asked, replies)
    for new in NEW_NEEDS:  # and the entries made from the inbox answer the next citizen asking the same
        replies = say(api, open_conversation(api), new.asked)
        assert replies[0]["kind"] == "answer" and replies[0]["faq_id"] == made[new.asked], (new.asked, replies)
    MEASURED["after"], MEASURED["new_after"] = held_out(api, factory, editor, made=made)
    assert rasa_model(stack) == model_before  # no retraining, no reload: the same model file, byte for byte
    with factory() as session:  # no held-out wording became a variant or a question of the knowledge base
        keys = {k for e in session.scalars(select(KBEntry)) for k in [e.question, *(e.variants or [])]}
        held = {t for n in NEEDS for t in n.held_out} | {t for n in NEW_NEEDS for t in n.held_out}
        assert not keys & held

    now = utcnow()
    with factory() as session:
        week = answer_quality(session, start=now - timedelta(days=7), end=now)
        reviewed = precision(session)
    assert week.negative >= 2 and week.answers >= 2 and reviewed is not None  # the button and the typed « non »
    assert week.automatic_share is not None and week.negative_rate is not None
    page.goto(f"{url}/console/kb")
    kb_page = " ".join(page.content().split())
    assert (f"<strong>{week.automatic_share * 100:.0f} %</strong> des {week.questions} questions des habitants"
            in kb_page)
    assert f"Avis négatifs : <strong>{week.negative_rate * 100:.0f} %</strong>" in kb_page
    assert f"{reviewed.successes} justes sur {reviewed.total}" in kb_page
    zone = ZoneInfo(stack.settings.timezone)
    this_week = week_of(now.astimezone(zone).date(), zone)  # in progress
    page.goto(f"{url}/console/journal?week={this_week.label}")
    journal = " ".join(page.content().split())
    assert f"<strong>{fmt.percent(week.automatic_share)}</strong> des {week.questions} questions" in journal
    assert f"<strong>{fmt.percent(week.negative_rate)}</strong> des {week.answers} réponses" in journal
    assert f"({reviewed.successes} justes sur {reviewed.total}" in journal
    print(f"confirmed: {confirmed}; made: {made}; held-out coverage, the FAQ's needs: {MEASURED['before']} -> "
          f"{MEASURED['after']}; the new needs: {MEASURED['new_before']} -> {MEASURED['new_after']}; week: {week}; "
          f"precision: {reviewed}")


def measured(*names: str) -> list[Coverage]:
    if any(name not in MEASURED for name in names):  # not an AssertionError: a real failure, not the expected one
        raise RuntimeError("the week did not run (see the test above)")
    return [MEASURED[name] for name in names]


def test_held_out_coverage_rose() -> None:
    """All the week's held-out wordings, of the FAQ's needs and of the new ones: more answered with their entry
    after the week, no more answered wrongly, no more out-of-scope ones answered."""
    before, after = pooled(*measured("before", "new_before")), pooled(*measured("after", "new_after"))
    assert after.right > before.right, MEASURED
    assert after.answered - after.right <= before.answered - before.right, MEASURED
    assert after.out_of_scope_answered <= before.out_of_scope_answered, MEASURED


@pytest.mark.xfail(strict=True, reason="confirmed variants do not yet generalise to other wordings of the same "
                   "entries with today's ranking (docs/training-inbox.md, 'Coverage on held-out questions'); passes "
                   "once the ranking does", raises=AssertionError)
def test_confirmed_variants_reach_other_wordings() -> None:
    before, after = measured("before", "after")
    assert after.right > before.right, MEASURED
