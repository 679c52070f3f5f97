"""The in-memory limits stay bounded: keys expire with their window and the least recently used go first."""

from __future__ import annotations

import pytest
from fastapi import HTTPException

from handoff_api.rate_limit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_limit_holds_per_key() -> None:
    limiter = RateLimiter(limit=2, window_seconds=60, max_keys=10, clock=Clock())
    limiter.check("a")
    limiter.check("a")
    with pytest.raises(HTTPException) as refused:
        limiter.check("a")
    assert refused.value.status_code == 429
    limiter.check("b")


def test_keys_never_exceed_the_bound() -> None:
    limiter = RateLimiter(limit=5, window_seconds=60, max_keys=100, clock=Clock())
    for n in range(5000):
        limiter.check(f"conversation:{n}")
    assert len(limiter) == 100


def test_a_key_that_keeps_trying_stays_refused_during_a_flood() -> None:
    limiter = RateLimiter(limit=3, window_seconds=60, max_keys=100, clock=Clock())
    for _ in range(3):
        limiter.check("busy")
    for n in range(1000):
        limiter.check(f"other:{n}")
        if n % 50 == 0:
            with pytest.raises(HTTPException):
                limiter.check("busy")
    assert len(limiter) == 100


def test_expired_keys_are_dropped() -> None:
    clock = Clock()
    limiter = RateLimiter(limit=5, window_seconds=60, max_keys=1000, clock=clock)
    for n in range(500):
        limiter.check(f"address:{n}")
    clock.now += 61
    limiter.check("address:new")
    assert len(limiter) == 1


def test_a_check_without_counting_leaves_the_budget() -> None:
    limiter = RateLimiter(limit=1, window_seconds=60, max_keys=10, clock=Clock())
    limiter.check("a", count=False)
    limiter.check("a", count=False)
    limiter.check("a")
    with pytest.raises(HTTPException):
        limiter.check("a", count=False)
