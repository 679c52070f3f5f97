"""One knowledge-base entry in the editor: edit (280-character answer), history with diffs, publish, delete.

Changes go through ``knowledge_base.store`` (validation and a revision per change), then the search
service is refreshed for that entry, so the bot's next answer already uses the new text.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from guichet.crud.agents import audit
from guichet.crud.conversations import NotFound
from guichet.crud.handoffs import Conflict
from guichet.models import EntryStatus, KBEntry
from handoff_api.committed_route import CommittedRoute
from handoff_api.console.access import ConsoleEditor
from handoff_api.console.kb_diff import ACTION_FR, revision_changes
from handoff_api.console.kb_pages import refresh_entries
from handoff_api.console.queue import departments
from handoff_api.console.templating import render
from handoff_api.deps import SessionDep
from knowledge_base import store
from knowledge_base.validation import DETAILS_LIMIT, TWEET_LIMIT, InvalidEntry, validate_entry, weighted_length

router = APIRouter(prefix="/console/kb", tags=["console"], include_in_schema=False, route_class=CommittedRoute)
DONE = {"saved": "Entrée enregistrée : l'assistant utilise désormais ce texte.", "created": "Entrée créée.",
        "publish": "Entrée publiée.", "delete": "Entrée supprimée (elle reste dans l'historique)."}


class EntryForm:
    def __init__(self, question: str = "", answer: str = "", department: str = "accueil", url: str = "",
                 tags: str = "", variants: str = "", entry_id: str = "", details: str = "") -> None:
        self.id, self.question, self.answer, self.department = entry_id.strip(), question, answer, department
        self.url, self.tags, self.variants, self.details = url, tags, variants, details

    @classmethod
    def of(cls, entry: KBEntry) -> EntryForm:
        return cls(entry.question, entry.answer, entry.department, entry.url or "", ", ".join(entry.tags or []),
                   "\n".join(entry.variants or []), entry.id, entry.details or "")

    def raw(self, status: str, source: str | None, attribution: str | None = None) -> dict[str, Any]:
        """The entry as ``validate_entry`` reads it; ``source`` and ``attribution`` are not in the form: an edit keeps
        the entry's (an imported fiche stays credited)."""
        return {"id": self.id, "question": self.question, "answer": self.answer, "department": self.department,
                "url": self.url.strip() or None, "status": status, "source": source, "attribution": attribution,
                "tags": [t.strip() for t in self.tags.split(",") if t.strip()],
                "variants": [v.strip() for v in self.variants.splitlines() if v.strip()],
                "details": self.details.strip()}


def check_answer(answer: str) -> None:
    length = weighted_length(answer.strip())
    if length > TWEET_LIMIT:
        raise InvalidEntry(f"La réponse fait {length} caractères pondérés ; la limite est de {TWEET_LIMIT}.")


def entry_page(request: Request, session: Session, entry: KBEntry | None, form: EntryForm, *,
               error: str | None = None, ok: str = "", status_code: int = 200) -> Response:
    history = store.revisions(session, entry_id=entry.id) if entry is not None else []
    context = {"title": f"Entrée {entry.id}" if entry else "Nouvelle entrée", "entry": entry, "form": form,
               "error": error, "done": DONE.get(ok), "departments": departments(session), "limit": TWEET_LIMIT,
               "details_limit": DETAILS_LIMIT,
               "history": [(rev, ACTION_FR.get(rev.action, rev.action), revision_changes(rev))
                           for rev in reversed(history)]}
    return render(request, "console/kb_entry.html", context, status_code=status_code)


FormField = Annotated[str, Form(max_length=5000)]
DetailsField = Annotated[str, Form(max_length=DETAILS_LIMIT + 1)]  # one over: the limit's message, not a bare 422


@router.get("/new")
def new_entry(request: Request, session: SessionDep, editor: ConsoleEditor) -> Response:
    return entry_page(request, session, None, EntryForm())


@router.post("/new")
def create(request: Request, session: SessionDep, editor: ConsoleEditor, entry_id: FormField = "",
           question: FormField = "", answer: FormField = "", department: FormField = "", url: FormField = "",
           tags: FormField = "", variants: FormField = "", details: DetailsField = "") -> Response:
    form = EntryForm(question, answer, department, url, tags, variants, entry_id, details)
    try:
        check_answer(answer)
        data = validate_entry(form.raw(EntryStatus.PUBLISHED.value, f"editor:{editor.name}"),
                              departments=store.known_departments(session))
        store.create_entry(session, data=data, actor=editor.name)
    except (InvalidEntry, Conflict) as error:
        session.rollback()
        return entry_page(request, session, None, form, error=str(error), status_code=422)
    audit(session, actor=editor.name, action="kb.create", target=f"kb:{data.id}")
    session.commit()
    refresh_entries(request, [data.id])
    return RedirectResponse(f"/console/kb/entries/{data.id}?ok=created", status_code=303)


@router.get("/entries/{entry_id}")
def show(entry_id: str, request: Request, session: SessionDep, editor: ConsoleEditor, ok: str = "") -> Response:
    try:
        entry = store.get_entry(session, entry_id=entry_id)
    except NotFound:
        message = f"L'entrée « {entry_id} » n'existe pas."
        return render(request, "console/error.html", {"title": "Entrée introuvable", "message": message},
                      status_code=404)
    return entry_page(request, session, entry, EntryForm.of(entry), ok=ok)


@router.post("/entries/{entry_id}")
def save(entry_id: str, request: Request, session: SessionDep, editor: ConsoleEditor, question: FormField = "",
         answer: FormField = "", department: FormField = "", url: FormField = "", tags: FormField = "",
         variants: FormField = "", details: DetailsField = "") -> Response:
    entry = store.get_entry(session, entry_id=entry_id)
    form = EntryForm(question, answer, department, url, tags, variants, entry_id, details)
    status = EntryStatus.DRAFT.value if entry.status == EntryStatus.DELETED.value else entry.status
    try:
        check_answer(answer)
        data = validate_entry(form.raw(status, entry.source, entry.attribution),
                              departments=store.known_departments(session))
        _, changed = store.update_entry(session, data=data, actor=editor.name)
    except InvalidEntry as error:
        session.rollback()
        return entry_page(request, session, entry, form, error=str(error), status_code=422)
    if changed:
        audit(session, actor=editor.name, action="kb.update", target=f"kb:{entry_id}")
    session.commit()
    if changed:
        refresh_entries(request, [entry_id])
    return RedirectResponse(f"/console/kb/entries/{entry_id}?ok=saved", status_code=303)


def set_status(request: Request, session: Session, editor: ConsoleEditor, entry_id: str, action: str,
               back: str) -> Response:
    change = store.publish_entry if action == "publish" else store.delete_entry
    change(session, entry_id=entry_id, actor=editor.name)
    audit(session, actor=editor.name, action=f"kb.{action}", target=f"kb:{entry_id}")
    session.commit()
    refresh_entries(request, [entry_id])
    target = f"/console/kb/entries/{entry_id}" if back == "entry" else "/console/kb"
    return RedirectResponse(f"{target}?ok={action}", status_code=303)


@router.post("/entries/{entry_id}/publish")
def publish(entry_id: str, request: Request, session: SessionDep, editor: ConsoleEditor,
            back: Annotated[str, Form()] = "") -> Response:
    return set_status(request, session, editor, entry_id, "publish", back)


@router.post("/entries/{entry_id}/delete")
def delete(entry_id: str, request: Request, session: SessionDep, editor: ConsoleEditor,
           back: Annotated[str, Form()] = "") -> Response:
    return set_status(request, session, editor, entry_id, "delete", back)
