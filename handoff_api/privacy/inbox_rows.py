"""The training inbox under erasure and retention.

Inbox texts are masked when stored, but an open question still belongs to its conversation: erasing the
conversation deletes its open (and dismissed) questions, and unlinks the ones an editor labelled (their
masked text already lives on as a variant or an off-topic example, and as a labelled question for the
decision's refit). Retention deletes the unlabelled questions older than the cutoff and unlinks the rest.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, update
from sqlalchemy.orm import Session

from guichet.models import InboxItem, InboxStatus

UNLABELLED = (InboxStatus.OPEN.value, InboxStatus.DISMISSED.value)


def _forget(session: Session, where: ColumnElement[bool]) -> int:
    deleted = session.execute(delete(InboxItem).where(where, InboxItem.status.in_(UNLABELLED))
                              .execution_options(synchronize_session=False))
    session.execute(update(InboxItem).where(where).values(conversation_id=None)
                    .execution_options(synchronize_session=False))
    return int(getattr(deleted, "rowcount", 0) or 0)


def forget_conversations(session: Session, *, conversation_ids: list[str], keep_open: bool = False) -> int:
    """Erasure: unlabelled questions deleted (with ``keep_open``, only unlinked), labelled ones unlinked."""
    if not conversation_ids:
        return 0
    where = InboxItem.conversation_id.in_(conversation_ids)
    if keep_open:
        session.execute(update(InboxItem).where(where).values(conversation_id=None)
                        .execution_options(synchronize_session=False))
        return 0
    return _forget(session, where)


def expire(session: Session, *, cutoff: datetime) -> int:
    """Retention: unlabelled questions older than ``cutoff`` deleted, labelled ones unlinked; returns deleted."""
    return _forget(session, InboxItem.created_at < cutoff)
