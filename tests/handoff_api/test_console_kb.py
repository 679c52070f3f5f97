"""The knowledge-base editor: list and search, edit with revisions and diffs, drafts, "tester une question"."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from guichet.db import session_scope
from guichet.models import AuditEntry, EntryStatus, KBEntry, KBRevision, Role
from knowledge_base.store import create_entry
from knowledge_base.types import PageElsewhere
from knowledge_base.validation import EntryData
from testing.fakes import HeldBackKnowledgeBase, KeywordKnowledgeBase
from tests.handoff_api.console_client import account, login

ANSWER = "Les piscines ouvrent de 7h à 20h."


def seed(client: TestClient) -> None:
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        create_entry(session, data=EntryData(id="piscines-horaires", question="Quels sont les horaires des piscines ?",
                                             answer=ANSWER, department="sports"), actor="import")
        create_entry(session, data=EntryData(id="papiers-cni", question="Comment refaire ma carte d'identité ?",
                                             answer="Prenez rendez-vous en mairie.", department="papiers"),
                     actor="import")
        create_entry(session, data=EntryData(id="brouillon-g-abcde-9", question="Où jeter un <b>canapé</b> ?",
                                             answer="Appelez le service des encombrants.", department="proprete",
                                             status=EntryStatus.DRAFT.value, source="agent:alice"), actor="alice")


def edit_form(token: str, answer: str) -> dict[str, str]:
    return {"csrf_token": token, "question": "Quels sont les horaires des piscines ?", "answer": answer,
            "department": "sports", "url": "", "tags": "piscine, horaires", "variants": "piscine ouverte ?"}


def test_list_search_and_filter(client: TestClient) -> None:
    seed(client)
    account(client, "eve", Role.EDITOR)
    login(client, "eve")
    page = client.get("/console/kb")
    assert page.status_code == 200 and "piscines-horaires" in page.text and "papiers-cni" in page.text
    assert "Brouillons à valider <small>(1)</small>" in page.text
    assert "Où jeter un &lt;b&gt;canapé&lt;/b&gt; ?" in page.text and "<b>canapé</b>" not in page.text
    found = client.get("/console/kb?q=identit")
    assert "papiers-cni" in found.text and "/console/kb/entries/piscines-horaires" not in found.text
    sports = client.get("/console/kb?department=sports&status=published")
    assert "/console/kb/entries/piscines-horaires" in sports.text
    assert "/console/kb/entries/papiers-cni" not in sports.text


def test_editing_an_answer_writes_a_revision_refreshes_the_bot_and_shows_a_diff(
        client: TestClient, knowledge_base: KeywordKnowledgeBase) -> None:
    seed(client)
    account(client, "eve", Role.EDITOR)
    token = login(client, "eve")
    page = client.get("/console/kb/entries/piscines-horaires")
    assert page.status_code == 200 and 'data-limit="280"' in page.text and ANSWER in page.text
    new_answer = "Les piscines ouvrent de 8h à 21h, sauf le lundi."
    saved = client.post("/console/kb/entries/piscines-horaires", data=edit_form(token, new_answer),
                        follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].endswith("?ok=saved")
    assert knowledge_base.refreshed[-1] == ["piscines-horaires"]
    shown = client.get(saved.headers["location"])
    assert "l&#39;assistant utilise désormais ce texte" in shown.text
    assert "<del>7h</del>" in shown.text and "<ins>8h</ins>" in shown.text
    assert "<ins>21h, sauf le lundi.</ins>" in shown.text
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        entry = session.get(KBEntry, "piscines-horaires")
        assert entry is not None and entry.answer == new_answer and entry.version == 2
        assert entry.tags == ["piscine", "horaires"] and entry.variants == ["piscine ouverte ?"]
        revision = session.scalars(select(KBRevision).where(KBRevision.entry_id == "piscines-horaires")
                                   .order_by(KBRevision.id.desc())).first()
        assert revision is not None and revision.before is not None
        assert revision.actor == "eve" and revision.before["answer"] == ANSWER
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "kb.update")).one().actor == "eve"


def test_an_answer_over_280_weighted_characters_is_refused(client: TestClient, knowledge_base) -> None:  # type: ignore[no-untyped-def]
    seed(client)
    account(client, "eve", Role.EDITOR)
    token = login(client, "eve")
    too_long = "Horaires : " + "🙂" * 140
    refused = client.post("/console/kb/entries/piscines-horaires", data=edit_form(token, too_long))
    assert refused.status_code == 422 and "La réponse fait 291 caractères pondérés" in refused.text
    assert knowledge_base.refreshed == []
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        entry = session.get(KBEntry, "piscines-horaires")
        assert entry is not None and entry.answer == ANSWER


def test_drafts_are_published_or_rejected(client: TestClient, knowledge_base) -> None:  # type: ignore[no-untyped-def]
    seed(client)
    account(client, "eve", Role.EDITOR)
    token = login(client, "eve")
    published = client.post("/console/kb/entries/brouillon-g-abcde-9/publish", data={"csrf_token": token},
                            follow_redirects=False)
    assert published.status_code == 303 and published.headers["location"] == "/console/kb?ok=publish"
    assert knowledge_base.refreshed[-1] == ["brouillon-g-abcde-9"]
    rejected = client.post("/console/kb/entries/papiers-cni/delete", data={"csrf_token": token, "back": "entry"},
                           follow_redirects=False)
    assert rejected.headers["location"] == "/console/kb/entries/papiers-cni?ok=delete"
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        statuses = dict(session.execute(select(KBEntry.id, KBEntry.status)).tuples().all())
        assert statuses["brouillon-g-abcde-9"] == "published" and statuses["papiers-cni"] == "deleted"
        actions = {(a.action, a.target) for a in session.scalars(select(AuditEntry))}
        assert ("kb.publish", "kb:brouillon-g-abcde-9") in actions and ("kb.delete", "kb:papiers-cni") in actions
    assert "Aucun brouillon en attente." in client.get("/console/kb").text


def test_create_an_entry(client: TestClient, knowledge_base) -> None:  # type: ignore[no-untyped-def]
    account(client, "eve", Role.EDITOR)
    token = login(client, "eve")
    form = {**edit_form(token, "La médiathèque ouvre le dimanche."), "entry_id": "mediatheque-dimanche",
            "department": "bibliotheques", "question": "La médiathèque ouvre-t-elle le dimanche ?"}
    created = client.post("/console/kb/new", data=form, follow_redirects=False)
    assert created.status_code == 303
    assert created.headers["location"] == "/console/kb/entries/mediatheque-dimanche?ok=created"
    assert knowledge_base.refreshed[-1] == ["mediatheque-dimanche"]
    bad = client.post("/console/kb/new", data={**form, "entry_id": "Avec Espaces"})
    assert bad.status_code == 422 and "Avec Espaces" in bad.text


def test_try_a_question(client: TestClient) -> None:
    account(client, "eve", Role.EDITOR)
    login(client, "eve")
    fragment = client.get("/console/kb/test?test=horaires piscine", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "répondre avec la FAQ" in fragment.text and "piscines-horaires" in fragment.text
    page = client.get("/console/kb?test=un+lampadaire+est+cassé")
    assert "transmettre à une personne" in page.text
    client.app.state.knowledge_base = None  # type: ignore[attr-defined]
    assert "Recherche indisponible" in client.get("/console/kb/test?test=piscine").text


FIREFIGHTER = PageElsewhere(id="F33050", title="Sapeur-pompier <volontaire> (SPV)", lead=0.0421,
                            url="https://www.service-public.fr/particuliers/vosdroits/F33050")


def test_a_page_the_faq_does_not_hold_is_named_where_it_held_the_answer_back(client: TestClient) -> None:
    account(client, "eve", Role.EDITOR)
    login(client, "eve")
    assert "page-elsewhere" not in client.get("/console/kb/test?test=horaires piscine").text
    client.app.state.knowledge_base = HeldBackKnowledgeBase(FIREFIGHTER)  # type: ignore[attr-defined]
    fragment = client.get("/console/kb/test?test=horaires piscine").text
    assert "demander une précision" in fragment and "Service-public.fr a une page plus proche" in fragment
    assert f'href="{FIREFIGHTER.url}"' in fragment and "Sapeur-pompier &lt;volontaire&gt; (SPV)" in fragment
    assert "(F33050, +0.042)" in fragment and "écrivez une entrée à partir de cette page" in fragment


def test_unfilled_and_built_in_entries_are_flagged(client: TestClient) -> None:
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        create_entry(session, data=EntryData(id="accueil-marche", question="Quand a lieu le marché ?",
                                             answer="Le marché a lieu {{à compléter : jours et lieu du marché}}.",
                                             department="accueil"), actor="import")
        create_entry(session, data=EntryData(id="mairie-telephone", question="Téléphone de la mairie ?",
                                             answer="Numéro de téléphone de la mairie.", department="accueil"),
                     actor="import")
    seed(client)
    account(client, "eve", Role.EDITOR)
    login(client, "eve")
    listed = client.get("/console/kb").text
    assert "1 entrée à compléter" in listed and '<a href="/console/kb/entries/accueil-marche">' in listed
    row = listed.split('href="/console/kb/entries/accueil-marche">accueil-marche</a></td>')[1].split("</tr>")[0]
    assert "À compléter" in row
    assert "À compléter" not in listed.split('entries/piscines-horaires">piscines-horaires</a>')[1].split("</tr>")[0]
    entry = client.get("/console/kb/entries/accueil-marche").text
    assert "« jours et lieu du marché »" in entry and "ne donne pas cette réponse" in entry
    assert "Entrée intégrée" in client.get("/console/kb/entries/mairie-telephone").text
    assert "à compléter" not in client.get("/console/kb/entries/piscines-horaires").text.lower()


def test_an_imported_fiche_keeps_its_credit_and_its_details_are_edited_beside_the_answer(client: TestClient) -> None:
    details = "Les déchets verts vont en déchetterie. Une amende de 450 euros punit le brûlage."
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        create_entry(session, data=EntryData(
            id="sp-f31", question="Peut-on brûler ses déchets verts ?", answer="Non, c'est interdit.",
            department="proprete", source="service-public.fr:F31",
            attribution="Service-public.fr / DILA, Licence Ouverte 2.0", details=details), actor="fiches")
    account(client, "eve", Role.EDITOR)
    token = login(client, "eve")
    page = client.get("/console/kb/entries/sp-f31")
    assert 'name="details"' in page.text and "Une amende de 450 euros punit le brûlage." in page.text
    form = {"csrf_token": token, "question": "Peut-on brûler ses déchets verts ?", "department": "proprete",
            "answer": "Non : déchetterie ou compost.", "url": "", "tags": "", "variants": "",
            "details": f"{details} Le préfet peut accorder une dérogation."}
    saved = client.post("/console/kb/entries/sp-f31", data=form, follow_redirects=False)
    assert saved.status_code == 303
    assert "Le préfet peut accorder une dérogation.</ins>" in client.get(saved.headers["location"]).text
    with session_scope(client.app.state.session_factory) as session:  # type: ignore[attr-defined]
        entry = session.get(KBEntry, "sp-f31")
        assert entry is not None and entry.details.endswith("Le préfet peut accorder une dérogation.")
        assert entry.attribution == "Service-public.fr / DILA, Licence Ouverte 2.0"  # not a field of the form
        assert entry.source == "service-public.fr:F31"
    refused = client.post("/console/kb/entries/sp-f31", data={**form, "details": "x" * 20_001})
    assert refused.status_code == 422 and "details is 20001 characters long, the limit is 20000" in refused.text
