"""Messages the FAQ must not answer: problem reports, other services' questions, small talk, insults.

A message about as close to one of them as to its best entry is a near miss: the decision then does
not answer it automatically (see ``decision``). The list is relative to the knowledge base in use:
an example that sits nearer one of the entries' questions or variants than any other example of the
list is something this knowledge base answers (a city that imports fiches on national services
turns yesterday's near misses into its own questions), so it stops counting; ``OffTopic.relative_to``
re-checks the list against the entries whenever they change. The examples ship in
knowledge_base/off_topic.yml (the seed) and live in the database, where editors change them.

Two sources, one role each. The written list (the seed, the console) says what the FAQ does not handle: its
examples' scores set the level a question must reach (``decision_policy.off_topic_profile``). A citizen's question
an editor marked out of scope in the training inbox came close to an entry by the way it was picked; it holds its
neighbours back (``similarity``) but does not raise that level for every other question (``profiled``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml
from sqlalchemy.orm import Session

from knowledge_base.embedding_cache import embed
from knowledge_base.types import Encoder

OFF_TOPIC_PATH = Path(__file__).resolve().parent / "off_topic.yml"


def off_topic_examples(path: Path = OFF_TOPIC_PATH) -> list[tuple[str, str]]:
    """``(kind, text)`` of every example of a YAML file mapping each kind to a list of examples."""
    document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise ValueError(f"{path}: must map each kind of message to a list of examples")
    examples: list[tuple[str, str]] = []
    for kind, items in document.items():
        if not isinstance(items, list) or not all(isinstance(e, str) and e.strip() for e in items):
            raise ValueError(f"{path}: {kind!r} must be a list of non-empty strings")
        examples.extend((str(kind), item.strip()) for item in items)
    return examples


def off_topic_texts(path: Path = OFF_TOPIC_PATH) -> list[str]:
    return [text for _kind, text in off_topic_examples(path)]


@dataclass(frozen=True)
class Listed:
    """The off-topic examples' texts and, for each, whether it was marked out of scope in the training inbox."""

    texts: list[str]
    from_inbox: list[bool]

    def __post_init__(self) -> None:
        if len(self.from_inbox) != len(self.texts):
            raise ValueError(f"from_inbox: {len(self.from_inbox)} flags for {len(self.texts)} texts")

    @classmethod
    def written(cls, texts: list[str]) -> Listed:
        """Examples of a written list (a file, an evaluation set): none from the inbox."""
        return cls(texts, [False] * len(texts))

    def without(self, texts: set[str]) -> Listed:
        kept = [(text, flag) for text, flag in zip(self.texts, self.from_inbox, strict=True) if text not in texts]
        return Listed([text for text, _ in kept], [flag for _, flag in kept])


def current_off_topic(session: Session) -> Listed:
    """The examples in use: the database's list, seeded from the shipped file the first time."""
    from knowledge_base.off_topic_store import live_listed, seed_off_topic

    seed_off_topic(session)
    return live_listed(session)


class OffTopic:
    def __init__(self, vectors: npt.NDArray[np.float32], texts: list[str] | None = None, *,
                 from_inbox: list[bool] | None = None) -> None:
        self.all_vectors = vectors
        self.texts = texts if texts is not None else [""] * len(vectors)
        self.from_inbox = np.array(from_inbox or [False] * len(self.texts), dtype=bool)
        if len(self.from_inbox) != len(self.texts):
            raise ValueError(f"from_inbox: {len(self.from_inbox)} flags for {len(self.texts)} examples")
        self.counting = np.ones(len(vectors), dtype=bool)
        self.vectors = vectors

    @classmethod
    def embedded(cls, session: Session, *, encoder: Encoder, listed: Listed) -> OffTopic:
        """Embedded like the entries' questions (e5 "query: "), through the embedding cache."""
        if not listed.texts:
            return cls(np.zeros((0, 0), dtype=np.float32), [])
        return cls(embed(session, encoder=encoder, kind="query", texts=listed.texts), listed.texts,
                   from_inbox=listed.from_inbox)

    @classmethod
    def load(cls, session: Session, *, encoder: Encoder, path: Path = OFF_TOPIC_PATH) -> OffTopic:
        return cls.embedded(session, encoder=encoder, listed=Listed.written(off_topic_texts(path)))

    def relative_to(self, keys: npt.NDArray[np.float32]) -> None:
        """Keep only the examples nearer another example than any entry key (question or variant)."""
        count = len(self.all_vectors)
        if count == 0:
            self.counting = np.zeros(0, dtype=bool)
        else:
            among = self.all_vectors @ self.all_vectors.T
            np.fill_diagonal(among, -np.inf)
            nearest_example = among.max(axis=1) if count > 1 else np.full(count, -np.inf)
            nearest_entry = (self.all_vectors @ keys.T).max(axis=1) if len(keys) else np.full(count, -np.inf)
            self.counting = nearest_entry < nearest_example
        self.vectors = self.all_vectors[self.counting] if count else self.all_vectors

    @property
    def profiled(self) -> npt.NDArray[np.bool_]:
        """For each counting example, whether its score sets the decision's level (the written list's examples)."""
        return ~self.from_inbox[self.counting]

    @property
    def ignored(self) -> list[str]:
        """The examples an entry now answers (they no longer count)."""
        return [text for text, keep in zip(self.texts, self.counting, strict=True) if not keep]

    def similarity(self, query: npt.NDArray[np.float32]) -> float:
        """The cosine of the closest example still counting (-1 when there are none)."""
        if len(self.vectors) == 0:
            return -1.0
        return float(np.max(self.vectors @ query))

    def nearest_others(self) -> npt.NDArray[np.float64]:
        """For each counting example, the cosine of its closest other counting example (-1 if alone)."""
        count = len(self.vectors)
        if count < 2:
            return np.full(count, -1.0)
        among = self.vectors @ self.vectors.T
        np.fill_diagonal(among, -np.inf)
        return np.asarray(among.max(axis=1), dtype=np.float64)
