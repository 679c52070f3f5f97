"""Messages the FAQ must not answer (knowledge_base/off_topic.yml): problem reports, other services'
questions, small talk, insults. A message about as close to one of them as to its best entry is a
near miss: the decision then does not answer it automatically (see ``decision``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml
from sqlalchemy.orm import Session

from knowledge_base.embedding_cache import embed
from knowledge_base.types import Encoder

OFF_TOPIC_PATH = Path(__file__).resolve().parent / "off_topic.yml"


def off_topic_texts(path: Path = OFF_TOPIC_PATH) -> list[str]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError(f"{path}: must map each kind of message to a list of examples")
    texts: list[str] = []
    for kind, examples in document.items():
        if not isinstance(examples, list) or not all(isinstance(e, str) and e.strip() for e in examples):
            raise ValueError(f"{path}: {kind!r} must be a list of non-empty strings")
        texts.extend(examples)
    return texts


class OffTopic:
    def __init__(self, vectors: npt.NDArray[np.float32]) -> None:
        self.vectors = vectors

    @classmethod
    def load(cls, session: Session, *, encoder: Encoder, path: Path = OFF_TOPIC_PATH) -> OffTopic:
        """Embedded like the entries' questions (e5 "query: "), through the embedding cache."""
        return cls(embed(session, encoder=encoder, kind="query", texts=off_topic_texts(path)))

    def similarity(self, query: npt.NDArray[np.float32]) -> float:
        """The cosine of the closest off-topic example (-1 when there are none)."""
        if len(self.vectors) == 0:
            return -1.0
        return float(np.max(self.vectors @ query))
