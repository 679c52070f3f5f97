"""A repeated message is encoded once; the cache forgets the least recently asked first."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.hashing_encoder import HashingEncoder
from knowledge_base.recent_queries import RecentQueries


def test_a_repeated_text_is_not_encoded_again() -> None:
    encoder = HashingEncoder(32)
    recent = RecentQueries(encoder.encode_queries, size=2)
    first = recent.vector("horaires piscine")
    assert (recent.vector("horaires piscine") == first).all() and encoder.encoded == ["horaires piscine"]
    assert np.allclose(first, encoder.encode_queries(["horaires piscine"])[0])
    with pytest.raises(ValueError):
        first[0] = 1.0  # shared between callers: read-only


def test_the_least_recently_asked_is_forgotten_first() -> None:
    encoder = HashingEncoder(32)
    recent = RecentQueries(encoder.encode_queries, size=2)
    for text in ("a", "b", "a", "c", "a", "b"):
        recent.vector(text)
    assert encoder.encoded == ["a", "b", "c", "b"] and len(recent) == 2
    recent.clear()
    recent.vector("a")
    assert encoder.encoded[-1] == "a"


def test_size_zero_keeps_nothing() -> None:
    encoder = HashingEncoder(32)
    recent = RecentQueries(encoder.encode_queries, size=0)
    recent.vector("a")
    recent.vector("a")
    assert encoder.encoded == ["a", "a"] and len(recent) == 0
