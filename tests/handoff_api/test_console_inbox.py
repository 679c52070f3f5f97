"""Editors work the training inbox in the console: grouped questions, one action each, audited."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from guichet.db import session_scope
from guichet.models import AuditEntry, Conversation, Feedback, InboxItem, KBEntry, Message, Role, SearchLog
from knowledge_base.inbox_store import record_search
from knowledge_base.store import create_entry
from knowledge_base.types import Hit, PageElsewhere
from knowledge_base.validation import EntryData
from tests.handoff_api.console_client import account, login

ENTRIES = (("piscines-horaires", "Quels sont les horaires des piscines ?"),
           ("piscines-tarifs", "Combien coûte l'entrée à la piscine ?"))


def seed(client: TestClient) -> list[int]:
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        for entry_id, question in ENTRIES:
            create_entry(session, data=EntryData(id=entry_id, question=question, answer="Voir la page.",
                                                 department="sports"), actor="seed")
        hits = [Hit(id=e, score=0.8 - n / 10, question=q, answer="", department="sports", url=None)
                for n, (e, q) in enumerate(ENTRIES)]
        items = [record_search(session, search_log_id=None, conversation_id=f"c{n}", text=text, decision="clarify",
                               hits=hits)
                 for n, text in enumerate(("tarif du bassin pour un enfant, tél 06 12 34 56 78", "météo demain"))]
        return [item.id for item in items if item is not None]


def test_an_editor_confirms_the_second_choice_and_marks_one_out_of_scope(client: TestClient) -> None:
    confirmed_id, off_id = seed(client)
    account(client, "eve", Role.EDITOR)
    token = login(client, "eve")
    page = client.get("/console/kb/inbox")
    assert page.status_code == 200 and "Boîte d&#39;entraînement" in page.text
    assert "tarif du bassin pour un enfant, tél [téléphone]" in page.text and "06 12" not in page.text
    assert f'id="confirm-{confirmed_id}"' in page.text and "0.700" in page.text
    done = client.post(f"/console/kb/inbox/{confirmed_id}/confirm",
                       data={"csrf_token": token, "entry_id": "piscines-tarifs"}, follow_redirects=False)
    assert done.status_code == 303 and "ok=confirmed" in done.headers["location"]
    again = client.post(f"/console/kb/inbox/{confirmed_id}/dismiss", data={"csrf_token": token})
    assert again.status_code == 409 and "already confirmed" in again.text
    off = client.post(f"/console/kb/inbox/{off_id}/out-of-scope", data={"csrf_token": token}, follow_redirects=False)
    assert off.status_code == 303
    assert "Aucune question à traiter" in client.get("/console/kb/inbox").text
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        entry = session.get(KBEntry, "piscines-tarifs")
        assert entry is not None and entry.variants == ["tarif du bassin pour un enfant, tél [téléphone]"]
        assert [i.status for i in session.scalars(select(InboxItem).order_by(InboxItem.id))] == [
            "confirmed", "out_of_scope"]
        actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.actor == "eve")))
        assert {"kb.inbox.confirmed", "kb.inbox.out_of_scope"} <= actions


def test_new_entry_opens_the_prefilled_draft(client: TestClient) -> None:
    item_id, _ = seed(client)
    account(client, "eve", Role.EDITOR)
    token = login(client, "eve")
    made = client.post(f"/console/kb/inbox/{item_id}/new-entry", data={"csrf_token": token}, follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == f"/console/kb/entries/brouillon-boite-{item_id}"
    draft = client.get(made.headers["location"])
    assert draft.status_code == 200 and "tarif du bassin pour un enfant" in draft.text


def test_agents_cannot_open_the_inbox(client: TestClient) -> None:
    account(client, "al", Role.AGENT)
    login(client, "al")
    assert client.get("/console/kb/inbox", follow_redirects=False).status_code in (303, 403)


def test_the_kb_page_shows_quality_in_production_with_create_an_entry(client: TestClient) -> None:
    item_id, _ = seed(client)
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        for decision in ("answer", "answer", "answer", "handoff"):
            session.add(SearchLog(conversation_id="c", text="q", decision=decision))
        session.add(Conversation(id="c", channel="webchat"))
        session.flush()
        answers = [Message(conversation_id="c", author="bot", channel="webchat", text="r", kind="answer",
                           faq_id="piscines-horaires") for _ in range(4)]
        session.add_all(answers)
        session.flush()
        session.add(Feedback(kind="answer", helpful=False, source="button", channel="webchat", conversation_id="c",
                             message_id=answers[0].id, faq_id="piscines-horaires", department="sports"))
        session.add(InboxItem(text="horaires piscine", decision="answer", status="confirmed",
                              entry_id="piscines-horaires", hits=[{"id": "piscines-horaires", "score": 0.9,
                                                                   "question": "Horaires ?"}]))
    account(client, "eve", Role.EDITOR)
    login(client, "eve")
    page = client.get("/console/kb")
    assert page.status_code == 200 and "Qualité en production" in page.text
    assert "<strong>75 %</strong>" in page.text and "1 justes sur 1" in page.text
    assert "Avis négatifs : <strong>25 %</strong>" in page.text  # 1 « non » for 4 automatic answers
    assert f'action="/console/kb/inbox/{item_id}/new-entry"' in page.text


def test_confirming_for_an_entry_still_to_fill_says_so_and_links_to_it(client: TestClient) -> None:
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        create_entry(session, data=EntryData(
            id="accueil-objets-trouves", question="J'ai perdu un objet : où sont les objets trouvés ?",
            answer="Au service des objets trouvés : {{à compléter : lieu et horaires}}.", department="accueil"),
            actor="seed")
        hit = Hit(id="accueil-objets-trouves", score=0.9, question="J'ai perdu un objet", answer="",
                  department="accueil", url=None)
        item = record_search(session, search_log_id=None, conversation_id="c9", decision="handoff", hits=[hit],
                             text="oublié mon sac à dos dans le bus")
        assert item is not None
        item_id = item.id
    account(client, "eve", Role.EDITOR)
    token = login(client, "eve")
    assert '<span class="badge warning">À compléter</span>' in client.get("/console/kb/inbox").text
    done = client.post(f"/console/kb/inbox/{item_id}/confirm",
                       data={"csrf_token": token, "entry_id": "accueil-objets-trouves"}, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == "/console/kb/inbox?ok=confirmed_unfilled&entry=accueil-objets-trouves"
    page = client.get(done.headers["location"]).text
    assert "cette entrée est encore à compléter" in page and "répond dès le prochain message" not in page
    link = "<a href=\"/console/kb/entries/accueil-objets-trouves\">Compléter l'entrée accueil-objets-trouves</a>"
    assert link in page
    # a link only to an entry that really is still to fill
    assert "Compléter l'entrée" not in client.get("/console/kb/inbox?ok=confirmed_unfilled&entry=autre").text


def test_the_editor_sees_the_service_public_page_that_held_the_answer_back(client: TestClient) -> None:
    page = PageElsewhere(id="F33050", title="Sapeur-pompier <volontaire> (SPV)", lead=0.0421,
                         url="https://www.service-public.fr/particuliers/vosdroits/F33050")
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        hit = Hit(id="elections-assesseur", score=0.91, question="Comment devenir assesseur ?", answer="",
                  department="elections", url=None)
        held = record_search(session, search_log_id=None, conversation_id="c1", decision="clarify", hits=[hit],
                             text="comment devenir pompier volontaire ?", page=page)
        plain = record_search(session, search_log_id=None, conversation_id="c2", decision="clarify", hits=[hit],
                              text="être assesseur dimanche", page=None)
        assert held is not None and plain is not None
        held_id, plain_id = held.id, plain.id
    account(client, "eve", Role.EDITOR)
    login(client, "eve")
    shown = client.get("/console/kb/inbox").text
    item = shown[shown.index(f'id="item-{held_id}-text"'):]
    item = item[:item.index("</article>")]
    assert "Service-public.fr a une page plus proche" in item and f'href="{page.url}"' in item
    assert "Sapeur-pompier &lt;volontaire&gt; (SPV)" in item and "(F33050, +0.042)" in item
    assert "écrivez une entrée à partir de cette page" in item and "Insérer le lien" not in item
    other = shown[shown.index(f'id="item-{plain_id}-text"'):]
    assert "page-elsewhere" not in other[:other.index("</article>")]
