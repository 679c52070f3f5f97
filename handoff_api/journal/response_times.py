"""First-response times of the week's handoffs, in opening hours (the target's unit) and wall-clock hours.

A handoff counts in the week it was created. Its delay runs from creation to the first agent reply;
median and 90th percentile (linear interpolation between ranks) are over the handoffs answered so
far. A *breach* is a first reply after the due time, or no reply while the due time has passed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from guichet.opening_hours import OpeningHours
from handoff_api.journal.records import HandoffRow

HISTOGRAM_BOUNDS = (1.0, 2.0, 4.0, 8.0, 16.0, 24.0)  # opening hours


@dataclass(frozen=True)
class Breach:
    reference: str
    department: str
    channel: str
    created_at: datetime
    due: datetime
    first_response_at: datetime | None
    open_hours: float | None


@dataclass(frozen=True)
class DepartmentTimes:
    department: str
    handoffs: int
    answered: int
    breaches: int
    median_open_hours: float | None


@dataclass(frozen=True)
class ResponseTimes:
    target_hours: float
    handoffs: int
    answered: int
    unanswered: int
    median_open_hours: float | None
    p90_open_hours: float | None
    median_wall_hours: float | None
    p90_wall_hours: float | None
    within_target: int
    breaches: list[Breach]
    departments: list[DepartmentTimes]
    histogram: list[tuple[str, int]]


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def open_hours_between(hours: OpeningHours, start: datetime, end: datetime) -> float:
    """Opening time, in hours, between two moments (holidays and closed days count for nothing)."""
    if end <= start:
        return 0.0
    total = 0.0
    day = start.astimezone(hours.zone).date()
    last = end.astimezone(hours.zone).date()
    while day <= last:
        for span_start, span_end in hours.spans_on(day):
            overlap = (min(span_end, end) - max(span_start, start)).total_seconds()
            total += max(overlap, 0.0)
        day = day.fromordinal(day.toordinal() + 1)
    return total / 3600


def is_breach(handoff: HandoffRow, now: datetime) -> bool:
    if handoff.first_response_at is not None:
        return handoff.first_response_at > handoff.first_response_due
    return now > handoff.first_response_due


def _histogram(delays: list[float]) -> list[tuple[str, int]]:
    labels, lower = [], 0.0
    for bound in HISTOGRAM_BOUNDS:
        labels.append((f"{lower:g}–{bound:g} h", sum(1 for d in delays if lower <= d < bound)))
        lower = bound
    labels.append((f"≥ {lower:g} h", sum(1 for d in delays if d >= lower)))
    return labels


def response_times(handoffs: list[HandoffRow], *, hours: OpeningHours, target_hours: float,
                   now: datetime) -> ResponseTimes:
    open_delay: dict[int, float] = {}
    wall_delay: list[float] = []
    for handoff in handoffs:
        if handoff.first_response_at is not None:
            open_delay[handoff.id] = open_hours_between(hours, handoff.created_at, handoff.first_response_at)
            wall_delay.append((handoff.first_response_at - handoff.created_at).total_seconds() / 3600)
    breaches = [Breach(h.reference, h.department, h.channel, h.created_at, h.first_response_due,
                       h.first_response_at, open_delay.get(h.id)) for h in handoffs if is_breach(h, now)]
    departments = []
    for slug in sorted({h.department for h in handoffs}):
        mine = [h for h in handoffs if h.department == slug]
        delays = [open_delay[h.id] for h in mine if h.id in open_delay]
        departments.append(DepartmentTimes(slug, len(mine), len(delays), sum(1 for h in mine if is_breach(h, now)),
                                           percentile(delays, 0.5)))
    delays = list(open_delay.values())
    on_time = sum(1 for h in handoffs if h.first_response_at is not None and not is_breach(h, now))
    return ResponseTimes(
        target_hours=target_hours, handoffs=len(handoffs), answered=len(delays),
        unanswered=len(handoffs) - len(delays), median_open_hours=percentile(delays, 0.5),
        p90_open_hours=percentile(delays, 0.9), median_wall_hours=percentile(wall_delay, 0.5),
        p90_wall_hours=percentile(wall_delay, 0.9), within_target=on_time, breaches=breaches,
        departments=sorted(departments, key=lambda d: (-d.handoffs, d.department)),
        histogram=_histogram(delays),
    )
