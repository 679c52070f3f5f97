"""What another process changed since the knowledge base last looked (``guichet kb import`` next to the running
app, an editor's calibration, the off-topic list edited in another instance).

One look at the database gives a ``Watermark``; ``KnowledgeBase.sync`` compares it with the one it last indexed and,
when they differ, reads the entries changed since, the policy in force and, if its list moved, the off-topic
examples, all in one transaction (``changes_since``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from guichet.models import Calibration, KBEntry
from knowledge_base.decision_policy import DecisionPolicy, Policy
from knowledge_base.off_topic import OffTopic, current_off_topic
from knowledge_base.off_topic_store import watermark as off_topic_watermark
from knowledge_base.types import Encoder

# (entries, their latest change, the latest calibration of the model, the off-topic list's own watermark)
Watermark = tuple[int, datetime | None, int | None, tuple[int, datetime | None] | None]
NOTHING_SEEN: Watermark = (0, None, None, None)


@dataclass(frozen=True)
class Changes:
    watermark: Watermark
    entry_ids: list[str]  # changed since the last look, whatever their status now
    policy: Policy
    off_topic: OffTopic | None  # None: the list did not move


def current_watermark(session: Session, *, model: str) -> Watermark:
    count, latest = session.execute(select(func.count(), func.max(KBEntry.updated_at))).one()
    calibration = session.scalar(select(func.max(Calibration.id)).where(Calibration.model == model))
    return int(count), latest, calibration, off_topic_watermark(session)


def changes_since(factory: sessionmaker[Session], seen: Watermark, *, encoder: Encoder,
                  policy: DecisionPolicy) -> Changes | None:
    """What changed since the look that gave ``seen`` (None: nothing)."""
    with session_scope(factory) as session:
        watermark = current_watermark(session, model=encoder.name)
        if watermark == seen:
            return None
        since = seen[1]
        query = select(KBEntry.id)
        changed = list(session.scalars(query.where(KBEntry.updated_at >= since) if since else query))
        chosen = policy.read(session, model=encoder.name)
        off_topic = (OffTopic.embedded(session, encoder=encoder, listed=current_off_topic(session))
                     if watermark[3] != seen[3] else None)
    return Changes(watermark=watermark, entry_ids=changed, policy=chosen, off_topic=off_topic)
