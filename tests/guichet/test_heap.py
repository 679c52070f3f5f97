"""After a bulk load the freed heap goes back to the operating system."""

from __future__ import annotations

import ctypes.util
import logging
from pathlib import Path

import pytest

from guichet import heap


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


def test_freed_small_allocations_leave_the_resident_set() -> None:
    # 200 MB of small strings, every hundredth kept so that the heap's top stays in use and free() alone
    # cannot give the pages back: only a trim can
    chunks = [f"{n:08d}".encode() * 128 for n in range(200_000)]
    kept = chunks[::100]
    del chunks
    before = resident_mb()
    assert heap.release_free_memory()
    after = resident_mb()
    assert before - after > 100, (before, after)
    assert len(kept) == 2_000


def test_a_c_library_without_malloc_trim_is_said_once(monkeypatch: pytest.MonkeyPatch,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    heap._malloc_trim.cache_clear()
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    try:
        with caplog.at_level(logging.INFO, logger="guichet.heap"):
            assert heap.release_free_memory() is False
            assert heap.release_free_memory() is False
        assert [r.getMessage() for r in caplog.records].count(
            "the C library None has no malloc_trim: freed heap stays with the process after a bulk load") == 1
    finally:
        heap._malloc_trim.cache_clear()
