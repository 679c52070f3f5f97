"""The KB page's "quality in production" panel: share answered automatically and negative-feedback rate week
over week (the Journal's computation, ``handoff_api.production_quality``), precision
estimated from the questions editors reviewed (Wilson interval), and the largest unanswered groups, each
with a one-click "create an entry" (the inbox's new-entry action on the group's representative question)."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from guichet.models import InboxStatus, utcnow
from handoff_api.journal.encoders import encoder_of
from handoff_api.production_quality import weekly_quality
from knowledge_base.inbox_quality import precision
from knowledge_base.inbox_store import list_items
from knowledge_base.inbox_view import top_unanswered

WEEKS = 4


def production_quality(request: Request, session: Session) -> dict[str, Any]:
    now = utcnow()
    weeks = weekly_quality(session, now=now, weeks=WEEKS)
    recent = list_items(session, since=now - timedelta(days=7), status=InboxStatus.OPEN.value)
    shares = [w.quality.automatic_share for w in weeks]
    changes = [None if a is None or b is None else a - b for a, b in pairwise(shares)] + [None]
    return {"weeks": list(zip(weeks, changes, strict=True)), "precision": precision(session),
            "clusters": top_unanswered(session, items=recent,
                                       encoder=encoder_of(request.app.state.knowledge_base))}
