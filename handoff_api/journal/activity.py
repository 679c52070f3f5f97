"""Volumes (per day, channel, department) and how conversations ended: the bot alone, or a person.

Definitions (also in docs/journal.md):

- an *active conversation* has at least one citizen message in the week;
- it was *answered by the bot alone* when the bot gave at least one FAQ answer (kind ``answer``) in
  the week and no person was involved in the week: no handoff created or reopened, no agent message;
- it went *to a person* when a handoff was created or reopened in it, or an agent wrote, in the week;
- a bot answer is *resolved* when the citizen wrote nothing more in that conversation in the 24 hours
  after it; answers whose 24 hours are not over when the report is made are *pending*, left out.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from handoff_api.journal.records import HandoffRow, MessageRow
from handoff_api.journal.weeks import Week

RESOLUTION_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class DayVolume:
    day: date
    conversations: int
    messages: int
    handoffs: int


@dataclass(frozen=True)
class ChannelVolume:
    channel: str
    conversations: int
    messages: int
    handoffs: int


@dataclass(frozen=True)
class DepartmentVolume:
    department: str
    name: str
    handoffs: int
    bot_answers: int


@dataclass(frozen=True)
class Outcomes:
    active: int
    bot_alone: int
    with_person: int
    other: int
    answers: int
    resolved: int
    pending: int

    @property
    def bot_alone_share(self) -> float | None:
        return self.bot_alone / self.active if self.active else None

    @property
    def resolved_share(self) -> float | None:
        decided = self.answers - self.pending
        return self.resolved / decided if decided else None


def in_week(week: Week, moment: datetime) -> bool:
    return week.start <= moment < week.end


def per_day(week: Week, messages: list[MessageRow], handoffs: list[HandoffRow]) -> list[DayVolume]:
    citizen = [m for m in messages if m.author == "citizen" and in_week(week, m.created_at)]
    counts = Counter(week.local_day(m.created_at) for m in citizen)
    conversations = {day: {m.conversation_id for m in citizen if week.local_day(m.created_at) == day}
                     for day in week.days}
    opened = Counter(week.local_day(h.created_at) for h in handoffs)
    return [DayVolume(day, len(conversations[day]), counts[day], opened[day]) for day in week.days]


def per_channel(week: Week, messages: list[MessageRow], handoffs: list[HandoffRow]) -> list[ChannelVolume]:
    citizen = [m for m in messages if m.author == "citizen" and in_week(week, m.created_at)]
    channels = sorted({m.channel for m in citizen} | {h.channel for h in handoffs})
    return [ChannelVolume(channel=channel,
                          conversations=len({m.conversation_id for m in citizen if m.channel == channel}),
                          messages=sum(1 for m in citizen if m.channel == channel),
                          handoffs=sum(1 for h in handoffs if h.channel == channel))
            for channel in channels]


def per_department(week: Week, messages: list[MessageRow], handoffs: list[HandoffRow],
                   entry_departments: dict[str, str], names: dict[str, str]) -> list[DepartmentVolume]:
    """Handoffs by their department, bot answers by the department of the FAQ entry they gave."""
    handed = Counter(h.department for h in handoffs)
    answered = Counter(entry_departments.get(m.faq_id or "", "inconnu") for m in bot_answers(week, messages))
    slugs = sorted(set(handed) | set(answered), key=lambda slug: (-(handed[slug] + answered[slug]), slug))
    return [DepartmentVolume(slug, names.get(slug, slug), handed[slug], answered[slug]) for slug in slugs]


def bot_answers(week: Week, messages: list[MessageRow]) -> list[MessageRow]:
    return [m for m in messages if m.author == "bot" and m.kind == "answer" and in_week(week, m.created_at)]


def outcomes(week: Week, messages: list[MessageRow], handoffs: list[HandoffRow], reopened: set[str],
             *, now: datetime) -> Outcomes:
    active = {m.conversation_id for m in messages if m.author == "citizen" and in_week(week, m.created_at)}
    person = {h.conversation_id for h in handoffs} | reopened | {
        m.conversation_id for m in messages if m.author == "agent" and in_week(week, m.created_at)}
    answers = bot_answers(week, messages)
    answered = {m.conversation_id for m in answers}
    with_person = active & person
    bot_alone = (active & answered) - person
    citizen_times: dict[str, list[datetime]] = {}
    for message in messages:  # already in time order
        if message.author == "citizen":
            citizen_times.setdefault(message.conversation_id, []).append(message.created_at)
    resolved = pending = 0
    for answer in answers:
        limit = answer.created_at + RESOLUTION_WINDOW
        times = citizen_times.get(answer.conversation_id, [])
        after = bisect_right(times, answer.created_at)
        if after < len(times) and times[after] <= limit:
            continue
        if limit > now:
            pending += 1
        else:
            resolved += 1
    return Outcomes(active=len(active), bot_alone=len(bot_alone), with_person=len(with_person),
                    other=len(active) - len(bot_alone) - len(with_person), answers=len(answers),
                    resolved=resolved, pending=pending)
