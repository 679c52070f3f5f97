"""What the conversation page adds around the reply box: canned replies filled in for this handoff (inserted
with "/"), the id of the newest message shown (a newer citizen message asks for a confirmation), presence."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guichet.contract.limits import LIMITS, measure
from guichet.crud import canned_replies
from guichet.models import Handoff, Message
from handoff_api.presence import HEARTBEAT_SECONDS, PresenceRegistry


def reply_tools(request: Request, session: Session, handoff: Handoff) -> dict[str, Any]:
    limit = LIMITS.get(handoff.channel, 5000)
    canned = []
    for reply in canned_replies.list_replies(session):
        text = canned_replies.fill(reply.text, session=session, handoff=handoff, hours=request.app.state.hours)
        length = measure(handoff.channel, text)
        canned.append({"id": reply.id, "title": reply.title, "text": text, "length": length,
                       "fits": length <= limit})
    registry: PresenceRegistry = request.app.state.presence
    return {
        "canned": canned,
        "seen_message_id": session.scalar(select(func.max(Message.id))
                                          .where(Message.conversation_id == handoff.conversation_id)) or 0,
        "present": registry.present(handoff_id=handoff.id),
        "heartbeat_seconds": HEARTBEAT_SECONDS,
    }
