"""Give back the resident pages of a mapped file that nothing reads any more (Linux; elsewhere a no-op).

Weights loaded from safetensors are views of the mapped file. Once replaced by copies (bfloat16),
the pages read to make the copies still count in the resident set until memory runs short. Only
whole pages inside a live mapping of such a file are dropped: they are clean file pages, so even a
late reader would just read them again from the file, never zeros.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import mmap
from pathlib import Path

MADV_DONTNEED = 4
MAPS = Path("/proc/self/maps")


def file_mappings(suffix: str) -> list[tuple[int, int]]:
    """Address ranges mapped from files whose name ends with ``suffix``."""
    ranges = []
    try:
        lines = MAPS.read_text().splitlines()
    except OSError:
        return []
    for line in lines:
        fields = line.split()
        if len(fields) >= 6 and fields[5].endswith(suffix):
            low, high = (int(bound, 16) for bound in fields[0].split("-"))
            ranges.append((low, high))
    return ranges


def whole_pages(start: int, size: int, page: int = mmap.PAGESIZE) -> tuple[int, int] | None:
    low, high = -(-start // page) * page, (start + size) // page * page
    return (low, high) if high > low else None


def release_mapped_pages(spans: list[tuple[int, int]], *, suffix: str) -> int:
    """Drop the whole pages of ``(address, size)`` spans lying in a mapping of a ``suffix`` file; bytes dropped."""
    mappings = file_mappings(suffix)
    name = ctypes.util.find_library("c")
    if not mappings or name is None:
        return 0
    madvise = ctypes.CDLL(name, use_errno=True).madvise
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    dropped = 0
    for start, size in spans:
        pages = whole_pages(start, size)
        if pages is None or not any(low <= pages[0] and pages[1] <= high for low, high in mappings):
            continue
        if madvise(pages[0], pages[1] - pages[0], MADV_DONTNEED) == 0:
            dropped += pages[1] - pages[0]
    return dropped
