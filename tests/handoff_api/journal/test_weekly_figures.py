"""The report's figures against the true figures of a synthetic week, computed here from the generator's records."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from guichet.db import session_scope
from guichet.opening_hours import OpeningHours
from guichet.settings import DEFAULT_OPENING_HOURS, Settings
from handoff_api.commands import migrated_session_factory
from handoff_api.journal.report import WeeklyReport, build_report
from handoff_api.journal.weeks import Week, parse_week
from tests.handoff_api.journal.synthetic import Record, TopicEncoder, Traffic, generate

PARIS = ZoneInfo("Europe/Paris")
WEEK = "2026-W10"  # 2 to 8 March 2026: no public holiday, no clock change
SCHEDULE = {0: (time(8, 30), time(17, 30)), 1: (time(8, 30), time(17, 30)), 2: (time(8, 30), time(17, 30)),
            3: (time(8, 30), time(17, 30)), 4: (time(8, 30), time(17, 30)), 5: (time(9, 0), time(12, 0))}


@dataclass
class Built:
    week: Week
    now: datetime
    traffic: Traffic
    previous: list[Traffic]
    report: WeeklyReport


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    tmp: Path = tmp_path_factory.mktemp("journal")
    settings = Settings(var_dir=tmp / "var", opening_hours=DEFAULT_OPENING_HOURS, _env_file=None)
    factory = migrated_session_factory(settings)
    hours = OpeningHours.parse(settings.opening_hours, settings.timezone)
    week = parse_week(WEEK, PARIS)
    with session_scope(factory) as session:
        traffic, previous = generate(session, hours, week)
    now = week.end + timedelta(days=3)
    with session_scope(factory) as session:
        report = build_report(session, week=week, settings=settings, hours=hours, now=now, encoder=TopicEncoder())
    yield Built(week, now, traffic, previous, report)
    factory.kw["bind"].dispose()


def in_week(week: Week, at: datetime) -> bool:
    return week.start <= at < week.end


def citizen(built: Built) -> list[Record]:
    return [r for r in built.traffic.messages if r.author == "citizen" and in_week(built.week, r.at)]


def open_hours_by_minute(start: datetime, end: datetime) -> float:
    """Brute force: count the minutes at which the service is open (independent of OpeningHours)."""
    minutes, moment = 0, start
    while moment < end:
        local = moment.astimezone(PARIS)
        span = SCHEDULE.get(local.weekday())
        if span is not None and span[0] <= local.time() < span[1]:
            minutes += 1
        moment += timedelta(minutes=1)
    return minutes / 60


def test_volumes_per_day_and_channel(built: Built) -> None:
    messages = citizen(built)
    expected_days = [(day, len({r.conversation_id for r in messages if r.at.astimezone(PARIS).date() == day}),
                      sum(1 for r in messages if r.at.astimezone(PARIS).date() == day),
                      sum(1 for h in built.traffic.handoffs if h.created.astimezone(PARIS).date() == day))
                     for day in [date(2026, 3, 2) + timedelta(days=n) for n in range(7)]]
    assert [(d.day, d.conversations, d.messages, d.handoffs) for d in built.report.days] == expected_days
    channels = {r.channel for r in messages}
    expected_channels = {c: (len({r.conversation_id for r in messages if r.channel == c}),
                             sum(1 for r in messages if r.channel == c),
                             sum(1 for h in built.traffic.handoffs if h.channel == c)) for c in channels}
    assert {c.channel: (c.conversations, c.messages, c.handoffs) for c in built.report.channels} == expected_channels
    assert sum(d.messages for d in built.report.days) == len(messages) > 0


def test_departments(built: Built) -> None:
    from tests.handoff_api.journal.synthetic import FAQ

    handed = Counter(h.department for h in built.traffic.handoffs)
    answered = Counter(FAQ[r.faq_id][1] for r in built.traffic.messages
                       if r.kind == "answer" and r.faq_id and in_week(built.week, r.at))
    got = {d.department: (d.handoffs, d.bot_answers) for d in built.report.departments}
    assert got == {slug: (handed[slug], answered[slug]) for slug in set(handed) | set(answered)}


def test_bot_alone_and_resolved_shares(built: Built) -> None:
    week, messages = built.week, built.traffic.messages
    active = {r.conversation_id for r in citizen(built)}
    person = {h.conversation_id for h in built.traffic.handoffs} | {
        r.conversation_id for r in messages if r.author == "agent" and in_week(week, r.at)}
    answers = [r for r in messages if r.author == "bot" and r.kind == "answer" and in_week(week, r.at)]
    bot_alone = ({r.conversation_id for r in answers} & active) - person
    resolved = [a for a in answers if not any(
        m.author == "citizen" and m.conversation_id == a.conversation_id and a.at < m.at <= a.at + timedelta(hours=24)
        for m in messages)]
    outcomes = built.report.outcomes
    assert (outcomes.active, outcomes.bot_alone, outcomes.with_person) == (len(active), len(bot_alone),
                                                                         len(active & person))
    assert outcomes.bot_alone_share == pytest.approx(len(bot_alone) / len(active))
    assert (outcomes.answers, outcomes.resolved, outcomes.pending) == (len(answers), len(resolved), 0)
    assert outcomes.resolved_share == pytest.approx(len(resolved) / len(answers))
    assert 0 < outcomes.resolved < outcomes.answers  # the generator made some follow-ups


def test_first_response_times_and_breaches(built: Built) -> None:
    handoffs = built.traffic.handoffs
    answered = [h for h in handoffs if h.first_response is not None]
    delays = [open_hours_by_minute(h.created, h.first_response) for h in answered if h.first_response]
    wall = [(h.first_response - h.created).total_seconds() / 3600 for h in answered if h.first_response]
    times = built.report.response
    assert (times.handoffs, times.answered, times.unanswered) == (len(handoffs), len(answered),
                                                                  len(handoffs) - len(answered))
    tolerance = 2 / 60  # the brute force counts whole minutes
    assert times.median_open_hours == pytest.approx(statistics.median(delays), abs=tolerance)
    assert times.p90_open_hours == pytest.approx(statistics.quantiles(delays, n=10, method="inclusive")[8],
                                                 abs=tolerance)
    assert times.median_wall_hours == pytest.approx(statistics.median(wall))
    assert times.p90_wall_hours == pytest.approx(statistics.quantiles(wall, n=10, method="inclusive")[8])
    breached = {h.reference for h in handoffs
                if (h.first_response is not None and h.first_response > h.due)
                or (h.first_response is None and h.due < built.now)}
    assert {b.reference for b in times.breaches} == breached
    assert breached  # the generator made some late answers and some never answered
    assert times.target_hours == 8.0
    assert sum(count for _, count in times.histogram) == len(answered)


def test_top_answers(built: Built) -> None:
    counts = Counter(r.faq_id for r in built.traffic.messages
                     if r.kind == "answer" and r.faq_id and in_week(built.week, r.at))
    top = built.report.top_answers
    assert {a.faq_id: a.count for a in top} == dict(counts)
    assert top[0].faq_id == "piscines-horaires"
    assert top[0].question == "Quels sont les horaires des piscines ?"


def test_unanswered_questions_grouped_by_meaning_and_anonymised(built: Built) -> None:
    topics = Counter(s.topic for s in built.traffic.searches if in_week(built.week, s.at))
    grouping = built.report.unanswered
    assert grouping.total == sum(topics.values())
    assert [g.count for g in grouping.groups] == sorted(topics.values(), reverse=True)
    encoder = TopicEncoder()
    for group in grouping.groups:
        assert 1 <= len(group.examples) <= 2
        group_topics = {encoder.topic_of[text] for text in encoder.topic_of if _redacted(text) in group.examples}
        assert len(group_topics) == 1, group.examples
    text = " ".join(example for group in grouping.groups for example in [*group.examples, group.suggestion])
    for secret in ("06 12 34 56 78", "marie.dupont", "Victor Hugo"):
        assert secret not in text
    strike = grouping.groups[0]
    assert strike.department == "sports"
    assert strike.handoffs + strike.clarifications == strike.count


def _redacted(text: str) -> str:
    from guichet.contract.redact import redact

    return redact(text)


def test_rising_topics_against_the_four_previous_weeks(built: Built) -> None:
    def faq_counts(traffic: Traffic) -> Counter[str]:
        return Counter(r.faq_id for r in traffic.messages if r.kind == "answer" and r.faq_id)

    def department_counts(traffic: Traffic) -> Counter[str]:
        return Counter(h.department for h in traffic.handoffs)

    def topic_counts(traffic: Traffic) -> Counter[str]:
        return Counter(s.topic for s in traffic.searches)

    expected = set()
    for kind, count_of in (("faq", faq_counts), ("department", department_counts), ("questions", topic_counts)):
        now_counts = count_of(built.traffic)
        for key, count in now_counts.items():
            mean = sum(count_of(week)[key] for week in built.previous) / 4
            if count >= 5 and (mean == 0 or count / mean >= 2):
                expected.add((kind, key if kind != "questions" else f"{key}:{count}"))
    got = {(r.kind, r.key if r.kind != "questions" else f"{TopicEncoder().topic_of[_original(r.label)]}:{r.count}")
           for r in built.report.rising}
    assert got == expected
    assert ("faq", "piscines-horaires") in got  # the pool strike shows
    pool = next(r for r in built.report.rising if r.key == "piscines-horaires")
    assert pool.previous == [2, 2, 2, 2] and pool.ratio == pytest.approx(6.0)


def _original(suggestion: str) -> str:
    encoder = TopicEncoder()
    return next(text for text in encoder.topic_of if _redacted(text)[:1].upper() + _redacted(text)[1:] == suggestion)


def test_problem_reports_by_type_and_place(built: Built) -> None:
    reports = [h for h in built.traffic.handoffs if h.reason == "report_problem"]
    assert built.report.problems.total == len(reports)
    assert dict(built.report.problems.by_type) == dict(Counter(h.details["problem_type"] for h in reports))
    places = {(kind, place): count for kind, place, count in built.report.problems.by_place}
    assert places == {("lampadaire", "rue des Lilas"): 2, ("nid de poule", "avenue de la Gare"): 1,
                      ("dépôt sauvage", "place du Marché"): 1}
