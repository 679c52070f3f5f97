"""``/api/canned-replies``: agents read them, editors and admins write them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Response
from pydantic import BaseModel, Field

from guichet.crud import canned_replies as crud
from guichet.crud.agents import audit
from guichet.models import Agent, CannedReply, Role
from handoff_api.committed_route import CommittedRoute
from handoff_api.deps import EditorDep, RowId, SessionDep, require

router = APIRouter(prefix="/api/canned-replies", tags=["canned replies"], route_class=CommittedRoute)
ReaderDep = Annotated[Agent, Depends(require(Role.AGENT, Role.EDITOR))]


class CannedIn(BaseModel):
    title: str = Field(max_length=500)
    text: str = Field(max_length=20_000)


class CannedOut(BaseModel):
    id: int
    title: str
    text: str


def out(reply: CannedReply) -> dict[str, Any]:
    return {"id": reply.id, "title": reply.title, "text": reply.text}


@router.get("", response_model=list[CannedOut])
def list_replies(session: SessionDep, agent: ReaderDep) -> list[dict[str, Any]]:
    """Every canned reply, by title; variables (``{reference}``, ...) are left for the console to fill in."""
    return [out(reply) for reply in crud.list_replies(session)]


@router.post("", status_code=201, response_model=CannedOut)
def create(body: CannedIn, session: SessionDep, editor: EditorDep) -> dict[str, Any]:
    try:
        reply = crud.create_reply(session, title=body.title, text=body.text, actor=editor.name)
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    audit(session, actor=editor.name, action="canned.create", target=f"canned:{reply.id}")
    session.commit()
    return out(reply)


@router.put("/{reply_id}", response_model=CannedOut)
def update(reply_id: RowId, body: CannedIn, session: SessionDep, editor: EditorDep) -> dict[str, Any]:
    try:
        reply = crud.update_reply(session, reply_id=reply_id, title=body.title, text=body.text, actor=editor.name)
    except ValueError as error:
        raise HTTPException(422, str(error)) from error
    audit(session, actor=editor.name, action="canned.update", target=f"canned:{reply_id}")
    session.commit()
    return out(reply)


@router.delete("/{reply_id}", status_code=204)
def delete(reply_id: RowId, session: SessionDep, editor: EditorDep) -> Response:
    crud.delete_reply(session, reply_id=reply_id)
    audit(session, actor=editor.name, action="canned.delete", target=f"canned:{reply_id}")
    session.commit()
    return Response(status_code=204)
