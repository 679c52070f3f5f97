"""Hubness: some entries sit near every citizen question, whatever it asks; their lead means less.

In an embedding space a few points ("hubs") are among the nearest neighbours of very many queries:
an entry with a generic question ("Comment faire une démarche en ligne ?") is close to all of them
and wins questions that belong to a more specific entry, most of all when no entry has variants to
pull its own questions towards it. The correction (CSLS, cross-domain similarity local scaling) is
to subtract from an entry's score how close it already is to ordinary questions: the mean cosine of
its ``neighbours`` nearest questions in a reference set of citizen questions, unrelated to the
questions being asked: the variants of the FAQ shipped with Guichet and the off-topic examples. An
entry's own question and variants are left out of its neighbours (the shipped FAQ is often the
knowledge base in use). The penalty is centred on the mean of the indexed entries, so scores stay
in the cosine units the decision's thresholds expect.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml
from sqlalchemy.orm import Session

from knowledge_base.embedding_cache import embed
from knowledge_base.off_topic import OFF_TOPIC_PATH, off_topic_texts
from knowledge_base.types import Encoder

REFERENCE_FAQ = Path(__file__).resolve().parent / "faq"
Vectors = npt.NDArray[np.float32]


def reference_texts(faq: Path = REFERENCE_FAQ, *, off_topic: Path = OFF_TOPIC_PATH,
                    exclude_departments: Iterable[str] = ()) -> list[str]:
    """The shipped FAQ's variants (but those of ``exclude_departments``) and the off-topic examples."""
    excluded = set(exclude_departments)
    texts: list[str] = []
    for file in sorted(faq.glob("*.y*ml")):
        document = yaml.safe_load(file.read_text(encoding="utf-8"))
        if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
            raise ValueError(f"{file}: must be a mapping with an 'entries:' list")
        for entry in document["entries"]:
            if isinstance(entry, dict) and entry.get("department", document.get("department")) not in excluded:
                texts.extend(str(v) for v in entry.get("variants") or [])
    texts.extend(off_topic_texts(off_topic))
    return list(dict.fromkeys(texts))


class Background:
    """Reference questions (texts and their e5 "query: " vectors) that entries are measured against."""

    def __init__(self, texts: list[str], vectors: Vectors, *, neighbours: int) -> None:
        if len(texts) != len(vectors):
            raise ValueError(f"background: {len(texts)} texts but {len(vectors)} vectors")
        if neighbours < 1:
            raise ValueError(f"background: neighbours must be at least 1, got {neighbours}")
        self.vectors = vectors
        self.neighbours = neighbours
        self._rows: dict[str, list[int]] = {}
        for row, text in enumerate(texts):
            self._rows.setdefault(text, []).append(row)

    def __len__(self) -> int:
        return len(self.vectors)

    @classmethod
    def load(cls, session: Session, *, encoder: Encoder, neighbours: int, texts: list[str] | None = None) -> Background:
        texts = reference_texts() if texts is None else texts
        vectors = embed(session, encoder=encoder, kind="query", texts=texts)
        return cls(texts, vectors if len(texts) else np.zeros((0, 0), dtype=np.float32), neighbours=neighbours)

    def closeness(self, vectors: Vectors, *, own_texts: Iterable[str] = ()) -> npt.NDArray[np.float64]:
        """For each row of ``vectors``: the mean cosine of its nearest reference questions (0 with none)."""
        own = list(own_texts)
        return self.closeness_rows(vectors, [own] * len(vectors))

    def closeness_rows(self, vectors: Vectors, own_texts: list[list[str]]) -> npt.NDArray[np.float64]:
        """The same for many rows at once (one matrix product), each with its own texts left out."""
        if len(self.vectors) == 0 or len(vectors) == 0:
            return np.zeros(len(vectors))
        similarity = vectors @ self.vectors.T
        available = np.full(len(vectors), similarity.shape[1])
        for row, texts in enumerate(own_texts):
            own = sorted({index for text in texts for index in self._rows.get(text, ())})
            if own:
                similarity[row, own] = -np.inf
                available[row] -= len(own)
        k = min(self.neighbours, similarity.shape[1])
        nearest = np.partition(similarity, similarity.shape[1] - k, axis=1)[:, -k:]
        result = np.zeros(len(vectors))
        for row in range(len(vectors)):
            use = min(k, int(available[row]))
            if use > 0:
                result[row] = float(np.sort(nearest[row])[-use:].mean())
        return result
