"""The vectors an entry is indexed by: its keys (question and variants) and its passages (``ranking``).

The knowledge base indexes them, an import warms the embedding cache with them (``loader.CacheWarmer``), and the
evaluation protocols and the benchmark index them directly.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from knowledge_base.embedding_cache import embed
from knowledge_base.ranking import FusionConfig, key_texts, passage_texts
from knowledge_base.types import Encoder
from knowledge_base.validation import EntryData

EntryVectors = tuple[EntryData, npt.NDArray[np.float32], npt.NDArray[np.float32]]


def entry_vectors(session: Session, *, encoder: Encoder, entries: list[EntryData],
                  config: FusionConfig | None = None) -> list[EntryVectors]:
    """Key and passage vectors of entries, from the embedding cache or encoded in two batches."""
    keys = [key_texts(entry) for entry in entries]
    passages = [passage_texts(entry, config) for entry in entries]
    key_vectors = embed(session, encoder=encoder, kind="query", texts=[t for texts in keys for t in texts])
    passage_vectors = embed(session, encoder=encoder, kind="passage", texts=[t for texts in passages for t in texts])
    out: list[EntryVectors] = []
    k = p = 0
    for entry, entry_keys, entry_passages in zip(entries, keys, passages, strict=True):
        out.append((entry, key_vectors[k:k + len(entry_keys)], passage_vectors[p:p + len(entry_passages)]))
        k, p = k + len(entry_keys), p + len(entry_passages)
    return out
