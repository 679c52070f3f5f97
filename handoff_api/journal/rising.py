"""Topics rising against the previous four weeks: a pool strike, a storm, a new form that confuses.

For each FAQ entry answered, each department handed over to, and each group of unanswered
questions, this week's count is compared with the mean of the four weeks before. A topic is flagged
when the count is at least ``MIN_COUNT`` and at least ``MIN_RATIO`` times that mean (a topic absent
before, mean 0, is flagged as new).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

BASELINE_WEEKS = 4
MIN_COUNT = 5
MIN_RATIO = 2.0


@dataclass(frozen=True)
class Rising:
    kind: str  # faq | department | questions
    key: str
    label: str
    count: int
    previous: list[int]  # the four weeks before, oldest first

    @property
    def baseline(self) -> float:
        return sum(self.previous) / len(self.previous) if self.previous else 0.0

    @property
    def ratio(self) -> float | None:
        """count / baseline; None when the topic was absent before."""
        return self.count / self.baseline if self.baseline else None


def flagged(count: int, previous: list[int]) -> bool:
    if count < MIN_COUNT:
        return False
    baseline = sum(previous) / len(previous) if previous else 0.0
    return baseline == 0 or count / baseline >= MIN_RATIO


def rising(kind: str, current: Counter[str], previous: list[Counter[str]], labels: dict[str, str]) -> list[Rising]:
    """The flagged keys of ``current`` against the per-week counters in ``previous``."""
    found = []
    for topic, count in current.items():
        history = [week.get(topic, 0) for week in previous]
        if flagged(count, history):
            found.append(Rising(kind, topic, labels.get(topic, topic), count, history))
    return found


def ranked(items: list[Rising]) -> list[Rising]:
    """New topics first, then by ratio and count."""
    return sorted(items, key=lambda item: (item.ratio is not None, -(item.ratio or 0.0), -item.count, item.key))
