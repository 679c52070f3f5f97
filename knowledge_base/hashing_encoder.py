"""A deterministic stand-in encoder: hashed character n-grams, for tests and model-less development.

Selected with ``GUICHET_EMBEDDING_MODEL=hashing`` (or ``hashing:DIM``). It knows no meaning, only
spelling, but it is instant and needs no download, and it counts its calls so tests can check
what was (not) encoded.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import numpy.typing as npt

from knowledge_base.text import fold

PREFIX = "hashing"


class HashingEncoder:
    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"{PREFIX}:{dim}"
        self.folder: Path | None = None  # no model
        self.calls = 0
        self.encoded: list[str] = []

    def encode_queries(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self._encode(texts)

    def encode_passages(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self._encode(texts)

    def _encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        self.calls += 1
        self.encoded.extend(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f" {' '.join(fold(text).split())} "
            for size in (3, 4):
                for start in range(len(padded) - size + 1):
                    digest = hashlib.blake2b(padded[start:start + size].encode(), digest_size=8).digest()
                    out[row, int.from_bytes(digest[:4], "little") % self.dim] += 1.0 if digest[4] & 1 else -1.0
            norm = float(np.linalg.norm(out[row]))
            out[row] = out[row] / norm if norm > 0 else 1.0 / np.sqrt(self.dim)
        return out


def parse_hashing_name(name: str) -> int | None:
    """The dimension named by ``hashing`` / ``hashing:DIM``, or None for any other model name."""
    if name == PREFIX:
        return 256
    if name.startswith(PREFIX + ":") and name[len(PREFIX) + 1:].isdigit():
        return int(name[len(PREFIX) + 1:])
    return None
