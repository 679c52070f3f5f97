"""Admin: a citizen's right of access (export as JSON) and erasure, by handle or conversation; audited."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from handoff_api.committed_route import CommittedRoute
from handoff_api.deps import AdminDep, SessionDep
from handoff_api.error_schema import problem
from handoff_api.privacy.access import erase_subject, export_subject
from handoff_api.privacy.rasa_trackers import RasaTrackers

router = APIRouter(prefix="/api/admin/citizens", tags=["privacy"], route_class=CommittedRoute)


def one_subject(handle: str | None, conversation_id: str | None) -> None:
    if (handle is None) == (conversation_id is None):
        raise HTTPException(422, f"give exactly one of handle or conversation_id "
                                 f"(got handle={handle!r}, conversation_id={conversation_id!r})")
    if handle is not None and not handle.strip().lstrip("@"):
        raise HTTPException(422, f"handle: {handle!r} is empty")


@router.get("/export", responses=problem(404))
def export(session: SessionDep, admin: AdminDep, handle: str | None = None,
           conversation_id: str | None = None) -> dict[str, Any]:
    """Everything held about the citizen: conversations, messages, notes, handoffs and their events."""
    one_subject(handle, conversation_id)
    return export_subject(session, actor=admin.name, handle=handle, conversation_id=conversation_id)


@router.delete("", responses=problem(404))
def erase(request: Request, session: SessionDep, admin: AdminDep, handle: str | None = None,
          conversation_id: str | None = None) -> dict[str, Any]:
    """Deletes the citizen's conversations, everything attached and Rasa's copy; answers what was removed."""
    one_subject(handle, conversation_id)
    trackers = RasaTrackers.from_settings(request.app.state.settings)
    counts = erase_subject(session, actor=admin.name, trackers=trackers, handle=handle,
                           conversation_id=conversation_id)
    return {"erased": counts.as_dict()}
