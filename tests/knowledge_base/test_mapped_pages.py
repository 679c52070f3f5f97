"""Dropping the resident pages of a mapped file keeps its data; anything else is left alone."""

from __future__ import annotations

import mmap
import sys
from pathlib import Path

import numpy as np
import pytest

from knowledge_base.mapped_pages import file_mappings, release_mapped_pages, whole_pages

PAGE = mmap.PAGESIZE


def test_only_whole_pages_inside_a_span() -> None:
    assert whole_pages(0, 3 * PAGE) == (0, 3 * PAGE)
    assert whole_pages(10, 3 * PAGE) == (PAGE, 3 * PAGE)
    assert whole_pages(10, PAGE) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_pages_of_a_mapped_file_are_dropped_and_read_again(tmp_path: Path) -> None:
    path = tmp_path / "weights.safetensors"
    data = np.arange(64 * PAGE // 4, dtype=np.float32)
    data.tofile(path)
    mapped = np.memmap(path, dtype=np.float32, mode="r")
    assert float(mapped.sum()) == float(data.sum())  # every page resident
    start = mapped.ctypes.data
    assert any(low <= start < high for low, high in file_mappings(".safetensors"))
    assert release_mapped_pages([(start, mapped.nbytes)], suffix=".safetensors") == mapped.nbytes
    assert (mapped == data).all()  # read back from the file


def test_memory_not_mapped_from_such_a_file_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "other.safetensors").write_bytes(bytes(4 * PAGE))
    mapped = np.memmap(tmp_path / "other.safetensors", dtype=np.uint8, mode="r")  # a mapping exists, elsewhere
    anonymous = np.arange(16 * PAGE // 4, dtype=np.float32)
    expected = anonymous.copy()
    assert release_mapped_pages([(anonymous.ctypes.data, anonymous.nbytes)], suffix=".safetensors") == 0
    assert (anonymous == expected).all() and mapped.sum() == 0
