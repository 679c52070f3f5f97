"""Quality in production from what editors reviewed in the training inbox (the share answered automatically
and the negative-feedback rate are computed once, in ``handoff_api.production_quality``):

- precision: of the automatic answers an editor reviewed (confirmed to an entry, marked out of scope, or
  turned into a new entry; dismissed ones do not count), the share whose entry was the right one, with its
  95% Wilson score interval. Reviewed questions are a sample chosen by editors, not a random one: the
  interval says how sure the figure is on that sample, not that the sample stands for every question.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from guichet.models import InboxItem, InboxStatus

Z95 = 1.959964
REVIEWED = (InboxStatus.CONFIRMED.value, InboxStatus.OUT_OF_SCOPE.value, InboxStatus.NEW_ENTRY.value)


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float
    successes: int
    total: int


def wilson(successes: int, total: int, *, z: float = Z95) -> Interval | None:
    """The Wilson score interval of a proportion (None without any observation)."""
    if total <= 0:
        return None
    if not 0 <= successes <= total:
        raise ValueError(f"successes: {successes} is not between 0 and total {total}")
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return Interval(value=p, low=max(0.0, centre - half), high=min(1.0, centre + half), successes=successes,
                    total=total)


def precision(session: Session, *, since: datetime | None = None, until: datetime | None = None) -> Interval | None:
    """How often an automatic answer an editor reviewed gave the right entry (questions asked in the period)."""
    query = select(InboxItem).where(InboxItem.decision == "answer", InboxItem.status.in_(REVIEWED))
    if since is not None:
        query = query.where(InboxItem.created_at >= since)
    if until is not None:
        query = query.where(InboxItem.created_at < until)
    reviewed = list(session.scalars(query))
    right = sum(1 for item in reviewed if item.status == InboxStatus.CONFIRMED.value and item.hits
                and item.hits[0]["id"] == item.entry_id)
    return wilson(right, len(reviewed))
