"""``/console/attachments/{message_id}/{index}``: a file a citizen sent by e-mail, for the agents to open.

Always sent as a download (``application/octet-stream``, ``nosniff``): a citizen's HTML or SVG file is never
rendered inside the console. ``raw`` instead of an index gives the whole mail as received (``.eml``).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse

from gateway.channels.email_store import resolve
from guichet.models import Message
from handoff_api.committed_route import CommittedRoute
from handoff_api.console.access import ConsoleAgent
from handoff_api.deps import SessionDep

router = APIRouter(prefix="/console/attachments", tags=["console"], include_in_schema=False, route_class=CommittedRoute)


@router.get("/{message_id}/{index}")
def attachment(message_id: int, index: str, request: Request, session: SessionDep,
               agent: ConsoleAgent) -> FileResponse:
    message = session.get(Message, message_id)
    details = ((message.payload or {}).get("email") or {}) if message is not None else {}
    listed = details.get("attachments") or []
    if index == "raw" and details.get("raw"):
        relative, name = str(details["raw"]), f"message-{message_id}.eml"
    elif index.isdigit() and int(index) < len(listed):
        relative, name = str(listed[int(index)]["file"]), str(listed[int(index)]["name"])
    else:
        raise HTTPException(404, f"attachment {index} of message {message_id} does not exist")
    path = resolve(request.app.state.settings.resolved_email_attachments_dir, relative)
    if not path.is_file():
        raise HTTPException(404, f"attachment {index} of message {message_id}: the file is gone (erased?)")
    return FileResponse(path, media_type="application/octet-stream", filename=name,
                        headers={"X-Content-Type-Options": "nosniff"})
