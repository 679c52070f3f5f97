"""``/console/kb/inbox``: the training inbox for editors, grouped by similar questions, one action each.

The forms call the same store functions as the JSON API (``routers/kb_inbox``) and share its audit and
"takes effect on the next message" step; a refused action shows the page again with its status.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from guichet.crud.conversations import NotFound
from guichet.crud.handoffs import Conflict
from guichet.models import InboxItem, InboxStatus, utcnow
from handoff_api.committed_route import CommittedRoute
from handoff_api.console.access import ConsoleEditor
from handoff_api.console.templating import render
from handoff_api.deps import RowId, SessionDep
from handoff_api.routers.kb_inbox import decided, view
from knowledge_base import inbox_store
from knowledge_base.inbox_view import by_group
from knowledge_base.store import published_entries, unfilled_entry_ids

router = APIRouter(prefix="/console/kb/inbox", tags=["console"], include_in_schema=False, route_class=CommittedRoute)
PERIOD_DAYS = 30
DONE = {"confirmed": "Question ajoutée comme variante : l'assistant y répond dès le prochain message.",
        "confirmed_unfilled": "Question ajoutée comme variante. Mais cette entrée est encore à compléter : tant "
                              "qu'elle ne l'est pas, l'assistant passe ces questions à une personne.",
        "out_of_scope": "Question ajoutée aux questions que nous ne traitons pas ici.",
        "dismissed": "Question ignorée."}
STATUS_FR = {"open": "à traiter", "confirmed": "confirmée", "out_of_scope": "hors sujet",
             "new_entry": "nouvelle entrée", "dismissed": "ignorée", "all": "toutes"}


def page(request: Request, session: Session, *, status: str = "open", ok: str = "", entry: str = "",
         error: str | None = None, status_code: int = 200) -> Response:
    status = status if status in STATUS_FR else "open"
    items = inbox_store.list_items(session, since=utcnow() - timedelta(days=PERIOD_DAYS),
                                   status=None if status == "all" else status)
    context = {"title": "Boîte d'entraînement", "groups": by_group(view(request, session, items)),
               "count": len(items), "entries": [(e.id, e.question) for e in published_entries(session)],
               "status": status, "inbox_status_fr": STATUS_FR, "done": DONE.get(ok), "error": error,
               "period_days": PERIOD_DAYS, "chosen": chosen,
               "to_fill": entry if ok == "confirmed_unfilled" and entry in unfilled_entry_ids(session) else None}
    return render(request, "console/kb_inbox.html", context, status_code=status_code)


def act(request: Request, session: Session, editor_name: str, step: Callable[[], InboxItem]) -> Response:
    try:
        item = step()
    except (Conflict, NotFound) as error:
        session.rollback()
        code = 409 if isinstance(error, Conflict) else 404
        return page(request, session, error=f"Action impossible : {error}", status_code=code)
    decided(request, session, editor_name, item)
    if item.status == InboxStatus.NEW_ENTRY.value:
        return RedirectResponse(f"/console/kb/entries/{item.entry_id}", status_code=303)
    if item.status == InboxStatus.CONFIRMED.value and item.entry_id in unfilled_entry_ids(session):
        query = urlencode({"ok": "confirmed_unfilled", "entry": item.entry_id})
        return RedirectResponse(f"/console/kb/inbox?{query}", status_code=303)
    return RedirectResponse(f"/console/kb/inbox?ok={item.status}", status_code=303)


@router.get("")
def show(request: Request, session: SessionDep, editor: ConsoleEditor, status: str = "open",
         ok: str = "", entry: Annotated[str, Query(max_length=120)] = "") -> Response:
    return page(request, session, status=status, ok=ok, entry=entry)


@router.post("/{item_id}/confirm")
def confirm(item_id: RowId, request: Request, session: SessionDep, editor: ConsoleEditor,
            entry_id: Annotated[str, Form(max_length=120)] = "") -> Response:
    return act(request, session, editor.name,
               lambda: inbox_store.confirm(session, item_id=item_id, entry_id=entry_id, actor=editor.name))


@router.post("/{item_id}/out-of-scope")
def out_of_scope(item_id: RowId, request: Request, session: SessionDep, editor: ConsoleEditor) -> Response:
    return act(request, session, editor.name,
               lambda: inbox_store.out_of_scope(session, item_id=item_id, actor=editor.name))


@router.post("/{item_id}/new-entry")
def new_entry(item_id: RowId, request: Request, session: SessionDep, editor: ConsoleEditor) -> Response:
    return act(request, session, editor.name,
               lambda: inbox_store.new_entry(session, item_id=item_id, actor=editor.name))


@router.post("/{item_id}/dismiss")
def dismiss(item_id: RowId, request: Request, session: SessionDep, editor: ConsoleEditor) -> Response:
    return act(request, session, editor.name, lambda: inbox_store.dismiss(session, item_id=item_id, actor=editor.name))


def chosen(item: dict[str, Any]) -> str | None:
    """The entry the chooser starts on: the agent's proposal, else the bot's first choice."""
    label = item["agent"]["label"] or {}
    if label.get("entry_id"):
        return str(label["entry_id"])
    return str(item["hits"][0]["id"]) if item["hits"] else None
