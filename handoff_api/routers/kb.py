"""The editors' knowledge-base API, and the search the bot (and editors and agents) ask.

Every change is committed, then re-indexed at once (the next citizen message sees it), and written
to the audit log. Drafts and deleted entries are never searched.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field

from guichet.contract.redact import redact
from guichet.crud.agents import audit
from guichet.models import Agent, EntryStatus, KBEntry, KBRevision, SearchLog
from handoff_api.committed_route import CommittedRoute
from handoff_api.deps import MAX_ROW_ID, EditorDep, KnowledgeBaseDep, SearcherDep, SessionDep
from knowledge_base import store
from knowledge_base.inbox_store import record_search
from knowledge_base.validation import InvalidEntry, validate_entry

router = APIRouter(prefix="/api/kb", tags=["knowledge base"], route_class=CommittedRoute)


class EntryIn(BaseModel):
    id: str | None = None
    question: str
    answer: str
    department: str
    url: str | None = None
    tags: list[str] = Field(default_factory=list)
    variants: list[str] = Field(default_factory=list)
    status: str | None = None  # new entries: draft; an edit keeps the entry's status
    source: str | None = None
    attribution: str | None = None
    details: str | None = None  # searched, never sent; new entries: none; an edit without it keeps the entry's


class SearchIn(BaseModel):
    text: str = Field(max_length=20_000)
    top_k: int = Field(default=3, ge=1, le=20)
    conversation_id: str | None = Field(default=None, max_length=32)


def entry_out(entry: KBEntry) -> dict[str, Any]:
    return {**store.snapshot(entry), "created_at": entry.created_at, "updated_at": entry.updated_at}


def revision_out(revision: KBRevision) -> dict[str, Any]:
    return {"id": revision.id, "entry_id": revision.entry_id, "actor": revision.actor, "action": revision.action,
            "before": revision.before, "after": revision.after, "created_at": revision.created_at}


def _validated(body: EntryIn, entry_id: str, session: SessionDep, status: str, details: str = "") -> Any:
    try:
        return validate_entry({**body.model_dump(), "id": entry_id, "status": body.status or status,
                               "details": details if body.details is None else body.details},
                              departments=store.known_departments(session))
    except InvalidEntry as error:
        raise HTTPException(422, str(error)) from error


def _changed(request: Request, session: SessionDep, editor: Agent, action: str, entry: KBEntry) -> None:
    audit(session, actor=editor.name, action=f"kb.{action}", target=f"kb:{entry.id}",
          detail={"version": entry.version, "status": entry.status})
    session.commit()
    knowledge_base = request.app.state.knowledge_base
    if knowledge_base is not None and knowledge_base.ready:
        knowledge_base.refresh([entry.id])


@router.get("/entries")
def list_entries(session: SessionDep, _editor: EditorDep, q: str | None = None, department: str | None = None,
                 status: str | None = None, tag: str | None = None, offset: int = Query(0, ge=0, le=MAX_ROW_ID),
                 limit: int = Query(50, ge=1, le=500)) -> dict[str, Any]:
    if status is not None and status not in {s.value for s in EntryStatus}:
        raise HTTPException(422, f"status: {status!r} is not one of published, draft, deleted")
    entries, total = store.list_entries(session, q=q, department=department, status=status, tag=tag,
                                        offset=offset, limit=limit)
    return {"total": total, "offset": offset, "limit": limit, "items": [entry_out(e) for e in entries]}


@router.post("/entries", status_code=201)
def create_entry(body: EntryIn, request: Request, session: SessionDep, editor: EditorDep) -> dict[str, Any]:
    if body.id is None:
        raise HTTPException(422, "id: required (lower-case letters, digits, '.', '_' or '-')")
    data = _validated(body, body.id, session, EntryStatus.DRAFT.value)
    entry = store.create_entry(session, data=data, actor=editor.name)
    _changed(request, session, editor, "create", entry)
    return entry_out(entry)


@router.get("/entries/{entry_id}")
def show_entry(entry_id: str, session: SessionDep, _editor: EditorDep) -> dict[str, Any]:
    return entry_out(store.get_entry(session, entry_id=entry_id))


@router.put("/entries/{entry_id}")
def update_entry(entry_id: str, body: EntryIn, request: Request, session: SessionDep,
                 editor: EditorDep) -> dict[str, Any]:
    if body.id is not None and body.id != entry_id:
        raise HTTPException(422, f"id: {body.id!r} in the body differs from {entry_id!r} in the path")
    existing = store.get_entry(session, entry_id=entry_id)
    current = existing.status
    data = _validated(body, entry_id, session, EntryStatus.DRAFT.value if current == EntryStatus.DELETED else current,
                      existing.details or "")
    entry, changed = store.update_entry(session, data=data, actor=editor.name)
    if changed:
        _changed(request, session, editor, "update", entry)
    return entry_out(entry)


@router.delete("/entries/{entry_id}", status_code=204)
def delete_entry(entry_id: str, request: Request, session: SessionDep, editor: EditorDep) -> Response:
    entry = store.delete_entry(session, entry_id=entry_id, actor=editor.name)
    _changed(request, session, editor, "delete", entry)
    return Response(status_code=204)


@router.get("/entries/{entry_id}/revisions")
def list_revisions(entry_id: str, session: SessionDep, _editor: EditorDep) -> list[dict[str, Any]]:
    return [revision_out(r) for r in store.revisions(session, entry_id=entry_id)]


@router.post("/entries/{entry_id}/publish")
def publish_entry(entry_id: str, request: Request, session: SessionDep, editor: EditorDep) -> dict[str, Any]:
    entry = store.publish_entry(session, entry_id=entry_id, actor=editor.name)
    _changed(request, session, editor, "publish", entry)
    return entry_out(entry)


@router.post("/search")
def search(body: SearchIn, session: SessionDep, knowledge_base: KnowledgeBaseDep,
           _caller: SearcherDep) -> dict[str, Any]:
    try:
        result = knowledge_base.search(body.text, top_k=body.top_k)
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    top = result.hits[0] if result.hits else None
    logged = SearchLog(conversation_id=body.conversation_id, text=redact(body.text), decision=result.decision,
                       top_id=top.id if top else None, top_score=top.score if top else None)
    session.add(logged)
    if body.conversation_id is not None:  # a citizen's question: it goes to the editors' training inbox
        session.flush()
        record_search(session, search_log_id=logged.id, conversation_id=body.conversation_id, text=body.text,
                      decision=result.decision, hits=list(result.hits), page=result.page)
    return result.as_dict()
