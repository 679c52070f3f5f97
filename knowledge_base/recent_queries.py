"""The vectors of the last few hundred distinct messages, so a repeated one is not encoded again.

Citizens ask the same short questions ("horaires piscine"), and an agent's console searches a
conversation's last message again each time the handoff is opened. A hit costs microseconds
instead of a forward pass; the encoder (and so the vectors' model) is fixed for the cache's life.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

Vector = npt.NDArray[np.float32]
DEFAULT_SIZE = 256


class RecentQueries:
    def __init__(self, encode: Callable[[list[str]], npt.NDArray[np.float32]], size: int = DEFAULT_SIZE) -> None:
        self._encode = encode
        self.size = size
        self._vectors: OrderedDict[str, Vector] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._vectors)

    def vector(self, text: str) -> Vector:
        """The (read-only) vector of ``text``, encoded unless it was one of the last ``size`` texts."""
        with self._lock:
            found = self._vectors.get(text)
            if found is not None:
                self._vectors.move_to_end(text)
                return found
        vector = np.array(self._encode([text])[0], dtype=np.float32)
        vector.setflags(write=False)
        if self.size > 0:
            with self._lock:
                self._vectors[text] = vector
                while len(self._vectors) > self.size:
                    self._vectors.popitem(last=False)
        return vector

    def clear(self) -> None:
        with self._lock:
            self._vectors.clear()
