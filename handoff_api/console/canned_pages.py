"""``/console/canned``: the editors' canned replies (list, add, change, delete), with their variables."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from guichet.crud import canned_replies as crud
from guichet.crud.agents import audit
from guichet.crud.conversations import NotFound
from handoff_api.committed_route import CommittedRoute
from handoff_api.console.access import ConsoleEditor
from handoff_api.console.templating import render
from handoff_api.deps import SessionDep

router = APIRouter(prefix="/console/canned", tags=["console"], include_in_schema=False, route_class=CommittedRoute)
DONE = {"created": "Réponse type ajoutée.", "updated": "Réponse type enregistrée.",
        "deleted": "Réponse type supprimée."}
Title = Annotated[str, Form(max_length=500)]
Text = Annotated[str, Form(max_length=20_000)]


def canned_page(request: Request, session: Session, *, ok: str = "", error: str | None = None,
                form: dict[str, str] | None = None, status_code: int = 200) -> Response:
    context = {"title": "Réponses types", "replies": crud.list_replies(session), "variables": crud.VARIABLES,
               "done": DONE.get(ok), "error": error, "form": form or {}}
    return render(request, "console/canned.html", context, status_code=status_code)


@router.get("")
def show(request: Request, session: SessionDep, editor: ConsoleEditor, ok: str = "") -> Response:
    return canned_page(request, session, ok=ok)


@router.post("")
def create(request: Request, session: SessionDep, editor: ConsoleEditor, title: Title = "",
           text: Text = "") -> Response:
    try:
        reply = crud.create_reply(session, title=title, text=text, actor=editor.name)
    except ValueError as error:
        session.rollback()
        return canned_page(request, session, error=str(error), form={"title": title, "text": text}, status_code=422)
    audit(session, actor=editor.name, action="canned.create", target=f"canned:{reply.id}")
    session.commit()
    return RedirectResponse("/console/canned?ok=created", status_code=303)


@router.post("/{reply_id}")
def update(reply_id: int, request: Request, session: SessionDep, editor: ConsoleEditor, title: Title = "",
           text: Text = "") -> Response:
    try:
        crud.update_reply(session, reply_id=reply_id, title=title, text=text, actor=editor.name)
    except (ValueError, NotFound) as error:
        session.rollback()
        return canned_page(request, session, error=str(error), status_code=404 if isinstance(error, NotFound) else 422)
    audit(session, actor=editor.name, action="canned.update", target=f"canned:{reply_id}")
    session.commit()
    return RedirectResponse("/console/canned?ok=updated", status_code=303)


@router.post("/{reply_id}/delete")
def delete(reply_id: int, request: Request, session: SessionDep, editor: ConsoleEditor) -> Response:
    try:
        crud.delete_reply(session, reply_id=reply_id)
    except NotFound as error:
        return canned_page(request, session, error=str(error), status_code=404)
    audit(session, actor=editor.name, action="canned.delete", target=f"canned:{reply_id}")
    session.commit()
    return RedirectResponse("/console/canned?ok=deleted", status_code=303)
