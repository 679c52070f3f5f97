"""A reply written before the citizen's newest message is refused unless the agent confirms it."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guichet.crud.handoffs import Conflict
from guichet.models import Author, Handoff, Message


class UnseenMessage(Conflict):
    """The citizen wrote after the last message the agent saw: the reply may no longer fit."""

    def __init__(self, handoff_id: int, seen: int, newest: int) -> None:
        super().__init__(f"handoff {handoff_id}: the citizen wrote message {newest} after message {seen}, the last "
                         f"one seen; read it, then send again with confirm=true to send anyway")
        self.newest = newest


def check_seen(session: Session, *, handoff: Handoff, seen_message_id: int | None, confirm: bool) -> None:
    """Raise ``UnseenMessage`` if a citizen message is newer than ``seen_message_id`` (None: not checked)."""
    if seen_message_id is None or confirm:
        return
    newest = session.scalar(select(func.max(Message.id)).where(Message.conversation_id == handoff.conversation_id,
                                                               Message.author == Author.CITIZEN.value))
    if newest is not None and newest > seen_message_id:
        raise UnseenMessage(handoff.id, seen_message_id, newest)
