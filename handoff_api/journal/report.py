"""``build_report``: every figure of one week's *Journal des usagers*, computed from the database."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from guichet.models import Department, Handoff, KBEntry
from guichet.opening_hours import OpeningHours
from guichet.settings import Settings
from handoff_api.journal import activity, records
from handoff_api.journal.activity import ChannelVolume, DayVolume, DepartmentVolume, Outcomes
from handoff_api.journal.groups import Grouping, group_questions
from handoff_api.journal.problems import Problems, problems
from handoff_api.journal.questions import TopAnswer, top_answers, unanswered
from handoff_api.journal.response_times import ResponseTimes, response_times
from handoff_api.journal.rising import BASELINE_WEEKS, Rising, ranked, rising
from handoff_api.journal.snapshots import answer_counts
from handoff_api.journal.weeks import Week
from handoff_api.production_quality import AnswerQuality, DepartmentSatisfaction, answer_quality, help_satisfaction
from knowledge_base.clustering import DEFAULT_THRESHOLD
from knowledge_base.inbox_quality import Interval, precision
from knowledge_base.types import Encoder


@dataclass(frozen=True)
class WeeklyReport:
    week: Week
    generated_at: datetime
    in_progress: bool
    city: str
    days: list[DayVolume]
    channels: list[ChannelVolume]
    departments: list[DepartmentVolume]
    outcomes: Outcomes
    response: ResponseTimes
    top_answers: list[TopAnswer]
    unanswered: Grouping
    rising: list[Rising]
    problems: Problems
    quality: AnswerQuality
    quality_before: AnswerQuality  # the week before: coverage week over week
    precision: Interval | None  # of the week's automatic answers editors reviewed in the training inbox
    satisfaction: list[DepartmentSatisfaction]

    @property
    def empty(self) -> bool:
        return self.outcomes.active == 0 and self.response.handoffs == 0


def _handoff_departments(session: Session, week: Week) -> Counter[str]:
    rows = session.scalars(select(Handoff.department).where(Handoff.created_at >= week.start,
                                                            Handoff.created_at < week.end))
    return Counter(rows)


def _rising(session: Session, *, week: Week, now: datetime, settings: Settings, answers: Counter[str],
            handoffs: Counter[str], grouping: Grouping, questions: dict[str, str],
            names: dict[str, str]) -> list[Rising]:
    before = week.previous(BASELINE_WEEKS)
    found = rising("faq", answers, [answer_counts(session, week=w, now=now,
                                                  bot_retention_days=settings.bot_retention_days) for w in before],
                   questions)
    found += rising("department", handoffs, [_handoff_departments(session, w) for w in before], names)
    if grouping.groups:
        window = records.messages_between(session, start=before[0].start, end=week.start)
        searches = records.searches_between(session, start=before[0].start, end=week.start)
        handed = records.handoffs_created(session, start=before[0].start, end=week.start)
        per_week = [grouping.counts_in(unanswered(w, window, searches, handed)) for w in before]
        current = Counter({str(g.number): g.count for g in grouping.groups})
        previous = [Counter({str(g.number): counts[i] for i, g in enumerate(grouping.groups)}) for counts in per_week]
        found += rising("questions", current, previous, {str(g.number): g.suggestion for g in grouping.groups})
    return ranked(found)


def build_report(session: Session, *, week: Week, settings: Settings, hours: OpeningHours, now: datetime,
                 encoder: Encoder | None = None, threshold: float = DEFAULT_THRESHOLD) -> WeeklyReport:
    messages = records.messages_between(session, start=week.start, end=week.end + activity.RESOLUTION_WINDOW)
    handoffs = records.handoffs_created(session, start=week.start, end=week.end)
    searches = records.searches_between(session, start=week.start, end=week.end)
    reopened = records.reopened_conversations(session, start=week.start, end=week.end)
    entries = session.execute(select(KBEntry.id, KBEntry.question, KBEntry.department)).all()
    questions = {row.id: row.question for row in entries}
    names = dict(session.execute(select(Department.slug, Department.name)).tuples().all())
    grouping = group_questions(unanswered(week, messages, searches, handoffs), encoder=encoder, threshold=threshold)
    answers = Counter(m.faq_id for m in activity.bot_answers(week, messages) if m.faq_id)
    return WeeklyReport(
        week=week, generated_at=now, in_progress=now < week.end, city=settings.city_name,
        days=activity.per_day(week, messages, handoffs),
        channels=activity.per_channel(week, messages, handoffs),
        departments=activity.per_department(week, messages, handoffs, {row.id: row.department for row in entries},
                                            names),
        outcomes=activity.outcomes(week, messages, handoffs, reopened, now=now),
        response=response_times(handoffs, hours=hours, target_hours=settings.first_response_hours, now=now),
        top_answers=top_answers(week, messages, questions),
        unanswered=grouping,
        rising=_rising(session, week=week, now=now, settings=settings, answers=answers,
                       handoffs=Counter(h.department for h in handoffs), grouping=grouping, questions=questions,
                       names=names),
        problems=problems(handoffs),
        quality=answer_quality(session, start=week.start, end=week.end),
        quality_before=answer_quality(session, start=week.previous(1)[0].start, end=week.start),
        precision=precision(session, since=week.start, until=week.end),
        satisfaction=help_satisfaction(session, start=week.start, end=week.end, names=names),
    )


def resolution_complete_at(week: Week) -> datetime:
    """When every answer of the week has had its 24 hours: the report's figures no longer change."""
    return week.end + timedelta(hours=24)
