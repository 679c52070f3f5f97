"""``/api/kb/inbox``: the editors' training inbox (citizen questions, masked, to label).

Each action is committed, audited (``kb.inbox.*``), and reaches the running search before the response:
a confirmed question is re-indexed with its entry, an out-of-scope one re-read with the off-topic list.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from guichet.crud.agents import audit
from guichet.models import InboxItem, InboxStatus, utcnow
from handoff_api.committed_route import CommittedRoute
from handoff_api.console.kb_off_topic import reload_off_topic
from handoff_api.deps import MAX_ROW_ID, EditorDep, SessionDep
from handoff_api.error_schema import problem
from handoff_api.journal.encoders import encoder_of
from knowledge_base import inbox_store
from knowledge_base.inbox_view import inbox_view

router = APIRouter(prefix="/api/kb/inbox", tags=["knowledge base"], route_class=CommittedRoute)
log = logging.getLogger("guichet.kb")
STATUSES = (*(status.value for status in InboxStatus), "all")


class ConfirmIn(BaseModel):
    entry_id: str = Field(min_length=1, max_length=120)


class OutOfScopeIn(BaseModel):
    kind: str = Field(default=inbox_store.OUT_OF_SCOPE_KIND, min_length=1, max_length=40)


class NewEntryIn(BaseModel):
    department: str | None = Field(default=None, max_length=40)


def take_effect(request: Request, item: InboxItem) -> None:
    """The next citizen message sees the change (the loader reads the database if still loading)."""
    knowledge_base = request.app.state.knowledge_base
    if knowledge_base is None:
        return
    try:
        if item.status == InboxStatus.OUT_OF_SCOPE.value:
            reload_off_topic(request)
        elif item.entry_id is not None:
            knowledge_base.refresh([item.entry_id])
    except Exception:
        log.exception("knowledge base: applying inbox item %s failed", item.id)


def decided(request: Request, session: Session, editor_name: str, item: InboxItem) -> dict[str, Any]:
    audit(session, actor=editor_name, action=f"kb.inbox.{item.status}", target=f"inbox:{item.id}",
          detail={"entry_id": item.entry_id})
    session.commit()
    take_effect(request, item)
    return view(request, session, [item])[0]


def view(request: Request, session: Session, items: list[InboxItem]) -> list[dict[str, Any]]:
    return inbox_view(session, items=items, encoder=encoder_of(request.app.state.knowledge_base))


@router.get("")
def list_inbox(request: Request, session: SessionDep, _editor: EditorDep, status: str = "open",
               days: int = Query(30, ge=1, le=3660), limit: int = Query(500, ge=1, le=2000)) -> dict[str, Any]:
    if status not in STATUSES:
        raise HTTPException(422, f"status: {status!r} is not one of {', '.join(STATUSES)}")
    items = inbox_store.list_items(session, since=utcnow() - timedelta(days=days),
                                   status=None if status == "all" else status, limit=limit)
    return {"items": view(request, session, items)}


@router.post("/{item_id}/confirm", responses=problem(404, 409))
def confirm(item_id: int, body: ConfirmIn, request: Request, session: SessionDep,
            editor: EditorDep) -> dict[str, Any]:
    _check(item_id)
    item = inbox_store.confirm(session, item_id=item_id, entry_id=body.entry_id, actor=editor.name)
    return decided(request, session, editor.name, item)


@router.post("/{item_id}/out-of-scope", responses=problem(404, 409))
def out_of_scope(item_id: int, request: Request, session: SessionDep, editor: EditorDep,
                 body: OutOfScopeIn | None = None) -> dict[str, Any]:
    _check(item_id)
    item = inbox_store.out_of_scope(session, item_id=item_id, actor=editor.name,
                                    kind=(body or OutOfScopeIn()).kind)
    return decided(request, session, editor.name, item)


@router.post("/{item_id}/new-entry", status_code=201, responses=problem(404, 409))
def new_entry(item_id: int, request: Request, session: SessionDep, editor: EditorDep,
              body: NewEntryIn | None = None) -> dict[str, Any]:
    _check(item_id)
    department = (body or NewEntryIn()).department
    item = inbox_store.new_entry(session, item_id=item_id, actor=editor.name, department=department)
    return decided(request, session, editor.name, item)


@router.post("/{item_id}/dismiss", responses=problem(404, 409))
def dismiss(item_id: int, request: Request, session: SessionDep, editor: EditorDep) -> dict[str, Any]:
    _check(item_id)
    return decided(request, session, editor.name, inbox_store.dismiss(session, item_id=item_id, actor=editor.name))


def _check(item_id: int) -> None:
    if not 1 <= item_id <= MAX_ROW_ID:
        raise HTTPException(404, f"inbox item {item_id} does not exist")
