"""What a knowledge-base search returns, shared by the app, the CLI and the actions' API."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
import numpy.typing as npt

Decision = Literal["answer", "clarify", "handoff"]


@dataclass(frozen=True)
class Hit:
    id: str
    score: float
    question: str
    answer: str
    department: str
    url: str | None = None


@dataclass(frozen=True)
class PageElsewhere:
    """A Service-public.fr page the knowledge base does not hold, nearer the message than its first entry by the lead
    the decision asks (``pages_elsewhere``): why the message was offered choices rather than answered."""
    id: str
    title: str
    url: str
    lead: float


@dataclass(frozen=True)
class SearchResult:
    query: str
    decision: Decision
    hits: list[Hit] = field(default_factory=list)
    signals: dict[str, float] = field(default_factory=dict)
    page: PageElsewhere | None = None  # for the console's readers; not in the API's shape

    def as_dict(self) -> dict[str, Any]:
        return {"query": self.query, "decision": self.decision, "hits": [asdict(hit) for hit in self.hits]}


class Encoder(Protocol):
    """Turns texts into L2-normalised vectors; e5 models want different prompts for queries and passages."""

    name: str
    folder: Path | None  # the model's folder, where data computed with it once are kept (None: none)

    def encode_queries(self, texts: list[str]) -> npt.NDArray[np.float32]: ...

    def encode_passages(self, texts: list[str]) -> npt.NDArray[np.float32]: ...


class SearchService(Protocol):
    """The one interface the application, the CLI and tests use to ask the knowledge base."""

    @property
    def ready(self) -> bool: ...

    def search(self, text: str, *, top_k: int = 3) -> SearchResult: ...

    def refresh(self, entry_ids: list[str] | None = None) -> None: ...
