"""Quality in production, from what really happened over a period (anonymous counts, no evaluation set):

- **share answered automatically**: of the citizens' questions that reached the FAQ search (search-log rows),
  the share the decision answered on its own (decision ``answer``);
- **negative-feedback rate**: of the automatic answers given (bot messages of kind ``answer``), the share a
  citizen said did not help (« Non », or a short negative reply right after it); also shown against the
  answers that got any feedback;
- **satisfaction with a person's help**, per department: 👍 and 👎 given after a resolution.

The one computation of these figures: the weekly Journal (``handoff_api.journal``) calls ``answer_quality``
for its week, the knowledge-base page (``handoff_api.console.kb_quality``) ``weekly_quality`` for its 7-day
windows. Feedback counts by when it was given, answers and questions by when they were asked. Every search-log
row counts as a question: the assistant always searches for a conversation, and the retention purge detaches
old rows from their deleted conversations precisely so that they still count here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guichet.models import Author, Feedback, FeedbackKind, Message, SearchLog


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class AnswerQuality:
    questions: int  # questions searched in the FAQ
    answered: int  # of which answered automatically (decision "answer")
    answers: int  # automatic answers given (including picks after a clarification list)
    rated: int  # automatic answers rated by a citizen
    negative: int  # of which « did not help »

    @property
    def automatic_share(self) -> float | None:
        return share(self.answered, self.questions)

    @property
    def negative_rate(self) -> float | None:
        """Negative feedback per automatic answer given."""
        return share(self.negative, self.answers)

    @property
    def negative_share_of_rated(self) -> float | None:
        return share(self.negative, self.rated)


@dataclass(frozen=True)
class DepartmentSatisfaction:
    department: str
    name: str
    positive: int
    negative: int

    @property
    def rated(self) -> int:
        return self.positive + self.negative

    @property
    def positive_share(self) -> float | None:
        return share(self.positive, self.rated)


def _verdicts(session: Session, kind: FeedbackKind, start: datetime, end: datetime) -> list[tuple[str | None, bool]]:
    rows = session.execute(select(Feedback.department, Feedback.helpful).where(
        Feedback.kind == kind.value, Feedback.created_at >= start, Feedback.created_at < end))
    return [(department, bool(helpful)) for department, helpful in rows.tuples()]


def answer_quality(session: Session, *, start: datetime, end: datetime) -> AnswerQuality:
    in_period = (SearchLog.created_at >= start, SearchLog.created_at < end)
    questions = session.scalar(select(func.count()).select_from(SearchLog).where(*in_period)) or 0
    answered = session.scalar(select(func.count()).select_from(SearchLog)
                              .where(*in_period, SearchLog.decision == "answer")) or 0
    answers = session.scalar(select(func.count()).select_from(Message).where(
        Message.author == Author.BOT.value, Message.kind == "answer", Message.created_at >= start,
        Message.created_at < end)) or 0
    verdicts = _verdicts(session, FeedbackKind.ANSWER, start, end)
    return AnswerQuality(questions=int(questions), answered=int(answered), answers=int(answers),
                         rated=len(verdicts), negative=sum(not helpful for _, helpful in verdicts))


@dataclass(frozen=True)
class WindowQuality:
    start: datetime
    end: datetime
    quality: AnswerQuality


def weekly_quality(session: Session, *, now: datetime, weeks: int = 4) -> list[WindowQuality]:
    """``answer_quality`` per 7-day window ending at ``now``, the latest first (coverage week over week)."""
    ends = [now - timedelta(days=7 * back) for back in range(weeks)]
    return [WindowQuality(start=end - timedelta(days=7), end=end,
                          quality=answer_quality(session, start=end - timedelta(days=7), end=end)) for end in ends]


def help_satisfaction(session: Session, *, start: datetime, end: datetime,
                      names: dict[str, str] | None = None) -> list[DepartmentSatisfaction]:
    """Per department (most ratings first), the 👍 and 👎 given in the period on a person's help."""
    counts: dict[str, list[int]] = {}
    for department, helpful in _verdicts(session, FeedbackKind.HELP, start, end):
        pair = counts.setdefault(department or "accueil", [0, 0])
        pair[0 if helpful else 1] += 1
    found = [DepartmentSatisfaction(department=slug, name=(names or {}).get(slug, slug), positive=up, negative=down)
             for slug, (up, down) in counts.items()]
    return sorted(found, key=lambda d: (-d.rated, d.name))
