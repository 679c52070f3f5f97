"""A sliding-window limit per key (conversation, address), kept in memory of one instance.

Memory stays bounded: keys are kept in the order they were last checked, a key whose hits have all left
the window is dropped from the front as new checks come, and past ``max_keys`` the least recently
checked key goes. Each check costs amortised O(1), whatever the number of keys.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from fastapi import HTTPException


class RateLimiter:
    def __init__(self, *, limit: int, window_seconds: float, max_keys: int = 100_000,
                 clock: Callable[[], float] = time.monotonic):
        if max_keys < 1:
            raise ValueError(f"max_keys: {max_keys} must be at least 1")
        self.limit = limit
        self.window = window_seconds
        self.max_keys = max_keys
        self._clock = clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._hits)

    def check(self, key: str, *, count: bool = True) -> None:
        """Raises 429 when ``key`` used its budget; else counts this request (unless ``count`` is false)."""
        now = self._clock()
        with self._lock:
            self._drop_expired(now)
            hits = self._hits.get(key)
            if hits is None:
                hits = self._hits[key] = deque()
            else:
                self._hits.move_to_end(key)
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                retry = int(self.window - (now - hits[0])) + 1
                raise HTTPException(429, f"too many requests for {key}: limit {self.limit} per "
                                         f"{int(self.window)} s", headers={"Retry-After": str(retry)})
            if count:
                hits.append(now)
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)

    def _drop_expired(self, now: float) -> None:
        """Drops the least recently checked keys while none of their hits is inside the window."""
        while self._hits:
            oldest = next(iter(self._hits.values()))
            if oldest and oldest[-1] > now - self.window:
                return
            self._hits.popitem(last=False)
