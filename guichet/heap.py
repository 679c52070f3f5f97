"""Hand the heap's free memory back to the operating system after a bulk load.

Indexing thousands of entries allocates and frees many small arrays and strings (each entry's vectors, its
passages, its words), and embedding them frees the model's activations batch after batch. glibc's allocator
keeps freed pages in the process, so its resident memory would stay near the load's peak for as long as it
runs. ``malloc_trim(0)`` returns them. Importing the 1,655 fiches of the foreign FAQs with their details, the
process held 1,653 MB after the import and 1,147 MB after the load that follows, which ends with this trim
(docs/benchmarks-kb.md, "Memory of a real import"). Other C libraries (musl, macOS) have no such call; there
nothing is done, and the log says so once.
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
    library = ctypes.util.find_library("c")
    function = getattr(ctypes.CDLL(library), "malloc_trim", None) if library else None
    if function is None:
        log.info("the C library %r has no malloc_trim: freed heap stays with the process after a bulk load", library)
    return cast(Callable[[int], int] | None, function)


def release_free_memory() -> bool:
    """Return the heap's free pages to the operating system; False where the C library cannot."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
