"""Hand the heap's free memory back to the operating system after a bulk load.

Indexing thousands of entries allocates and frees many small arrays and strings (each entry's vectors, its
passages, its words). glibc's allocator keeps the freed pages in the process, so its resident memory would
stay near the load's peak for as long as it runs: at 10,000 entries with details, about 180 MB that nothing
uses (docs/benchmarks-kb-details.md). ``malloc_trim(0)`` returns them. Other C libraries (musl, macOS) have
no such call; there the trim is skipped and said once in the log.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Callable
from functools import cache
from typing import cast

log = logging.getLogger(__name__)


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    function = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
    if function is None:
        log.info("the C library %r has no malloc_trim: freed heap stays with the process after a bulk load", name)
    return cast(Callable[[int], int] | None, function)


def release_free_memory() -> bool:
    """Return the heap's free pages to the operating system; False where the C library cannot."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
