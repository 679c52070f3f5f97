"""``/console/kb/off-topic``: "questions we do not handle here", the off-topic examples editors maintain.

Each change goes through ``knowledge_base.off_topic_store`` (a revision per change, like entries), then
the search service re-reads the list and re-checks it against the entries: examples an entry now
answers are shown as no longer counting.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from guichet.crud.agents import audit
from guichet.crud.conversations import NotFound
from handoff_api.committed_route import CommittedRoute
from handoff_api.console.access import ConsoleEditor
from handoff_api.console.templating import render
from handoff_api.deps import SessionDep
from knowledge_base import off_topic_store
from knowledge_base.off_topic_store import InvalidExample

router = APIRouter(prefix="/console/kb/off-topic", tags=["console"], include_in_schema=False,
                   route_class=CommittedRoute)
log = logging.getLogger("guichet.console")
KINDS_FR = {"reports": "Signalements", "other_services": "Autres services", "near_misses": "Questions voisines",
            "chitchat": "Bavardage", "abuse": "Insultes"}
DONE = {"created": "Exemple ajouté.", "saved": "Exemple enregistré.", "delete": "Exemple supprimé (il reste dans "
        "l'historique)."}
FormField = Annotated[str, Form(max_length=5000)]


def reload_off_topic(request: Request) -> None:
    knowledge_base = request.app.state.knowledge_base
    refresh = getattr(knowledge_base, "refresh_off_topic", None)
    if refresh is None:
        return
    try:
        refresh()
    except Exception:
        log.exception("knowledge base: re-reading the off-topic examples failed")


def ignored_texts(request: Request) -> set[str]:
    off_topic = getattr(request.app.state.knowledge_base, "_off_topic", None)
    return set(getattr(off_topic, "ignored", []) or [])


def page(request: Request, session: Session, *, error: str | None = None, ok: str = "", text: str = "",
         kind: str = "near_misses", edit: int | None = None, status_code: int = 200) -> Response:
    off_topic_store.seed_off_topic(session)
    examples = off_topic_store.live_examples(session)
    ignored = ignored_texts(request)
    history: list[Any] = off_topic_store.example_revisions(session, example_id=edit) if edit is not None else []
    context = {"title": "Questions que nous ne traitons pas ici", "examples": examples, "ignored": ignored,
               "kinds": {**KINDS_FR, **{e.kind: e.kind for e in examples if e.kind not in KINDS_FR}},
               "error": error, "done": DONE.get(ok), "text": text, "kind": kind, "edit": edit,
               "history": list(reversed(history))}
    return render(request, "console/kb_off_topic.html", context, status_code=status_code)


@router.get("")
def show(request: Request, session: SessionDep, editor: ConsoleEditor, ok: str = "",
         edit: int | None = None) -> Response:
    if edit is not None:
        try:
            example = off_topic_store.get_example(session, example_id=edit)
        except NotFound:
            edit = None
        else:
            return page(request, session, ok=ok, text=example.text, kind=example.kind, edit=edit)
    return page(request, session, ok=ok)


@router.post("")
def create(request: Request, session: SessionDep, editor: ConsoleEditor, text: FormField = "",
           kind: FormField = "near_misses") -> Response:
    try:
        example = off_topic_store.create_example(session, text=text, kind=kind, actor=editor.name)
    except InvalidExample as error:
        session.rollback()
        return page(request, session, error=str(error), text=text, kind=kind, status_code=422)
    audit(session, actor=editor.name, action="kb.off_topic.create", target=f"off-topic:{example.id}")
    session.commit()
    reload_off_topic(request)
    return RedirectResponse("/console/kb/off-topic?ok=created", status_code=303)


@router.post("/{example_id}")
def save(example_id: int, request: Request, session: SessionDep, editor: ConsoleEditor, text: FormField = "",
         kind: FormField = "near_misses") -> Response:
    try:
        off_topic_store.update_example(session, example_id=example_id, text=text, kind=kind, actor=editor.name)
    except InvalidExample as error:
        session.rollback()
        return page(request, session, error=str(error), text=text, kind=kind, edit=example_id, status_code=422)
    audit(session, actor=editor.name, action="kb.off_topic.update", target=f"off-topic:{example_id}")
    session.commit()
    reload_off_topic(request)
    return RedirectResponse(f"/console/kb/off-topic?edit={example_id}&ok=saved", status_code=303)


@router.post("/{example_id}/delete")
def delete(example_id: int, request: Request, session: SessionDep, editor: ConsoleEditor) -> Response:
    off_topic_store.delete_example(session, example_id=example_id, actor=editor.name)
    audit(session, actor=editor.name, action="kb.off_topic.delete", target=f"off-topic:{example_id}")
    session.commit()
    reload_off_topic(request)
    return RedirectResponse("/console/kb/off-topic?ok=delete", status_code=303)
