"""Unanswered questions grouped by meaning, each group a suggested new FAQ entry for the editors.

With an encoder (the knowledge base's e5 model, "query: " prompt) the groups are clusters of
embeddings (``clustering.agglomerate``); without one, questions are grouped when their text is the
same once case, accents and punctuation are set aside, and the report says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from handoff_api.journal.questions import Unanswered, key
from knowledge_base.clustering import DEFAULT_THRESHOLD, MAX_QUESTIONS, Cluster, agglomerate, assign
from knowledge_base.types import Encoder

EXAMPLES = 2


@dataclass(frozen=True)
class QuestionGroup:
    number: int
    count: int
    examples: list[str]
    suggestion: str
    department: str
    handoffs: int
    clarifications: int
    keys: frozenset[str] = field(repr=False)
    centroid: npt.NDArray[np.float32] | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Grouping:
    method: str
    total: int
    groups: list[QuestionGroup]
    ungrouped: int  # rare questions beyond the clustering limit, counted but not grouped
    encoder: Encoder | None = field(default=None, repr=False, compare=False)
    threshold: float = DEFAULT_THRESHOLD

    def counts_in(self, questions: list[Unanswered]) -> list[int]:
        """How many of ``questions`` (another week's) fall in each group: same centroid, or same text."""
        counts = [0] * len(self.groups)
        if not questions or not self.groups:
            return counts
        if self.encoder is None:
            index = {text_key: position for position, group in enumerate(self.groups) for text_key in group.keys}
            for question in questions:
                position = index.get(key(question.text))
                if position is not None:
                    counts[position] += 1
            return counts
        centroids = [group.centroid for group in self.groups if group.centroid is not None]
        vectors = self.encoder.encode_queries([question.text for question in questions])
        for position in assign(vectors, centroids, threshold=self.threshold):
            if position is not None:
                counts[position] += 1
        return counts


def _as_question(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def group_questions(questions: list[Unanswered], *, encoder: Encoder | None,
                    threshold: float = DEFAULT_THRESHOLD) -> Grouping:
    asked: dict[str, list[Unanswered]] = {}
    for question in questions:
        asked.setdefault(key(question.text), []).append(question)
    ranked = sorted(asked, key=lambda text_key: (-len(asked[text_key]), text_key))
    kept, rest = ranked[:MAX_QUESTIONS], ranked[MAX_QUESTIONS:]
    weights = [len(asked[text_key]) for text_key in kept]
    if encoder is not None and kept:
        vectors = encoder.encode_queries([asked[text_key][0].text for text_key in kept])
        clusters = agglomerate(vectors, weights, threshold=threshold)
        shown = f"{threshold:g}".replace(".", ",")
        method = f"par le sens (modèle {encoder.name}, similarité cosinus ≥ {shown})"
    else:
        clusters = [Cluster([position], weight, np.zeros(1, dtype=np.float32))
                    for position, weight in enumerate(weights)]
        clusters.sort(key=lambda cluster: (-cluster.weight, cluster.members[0]))
        method = "par texte identique (modèle d'embeddings indisponible)"
    groups = [_group(number, cluster, kept, asked, with_centroid=encoder is not None)
              for number, cluster in enumerate(clusters, start=1)]
    return Grouping(method=method, total=len(questions), groups=groups,
                    ungrouped=sum(len(asked[text_key]) for text_key in rest), encoder=encoder, threshold=threshold)


def _group(number: int, cluster: Cluster, kept: list[str], asked: dict[str, list[Unanswered]], *,
           with_centroid: bool) -> QuestionGroup:
    members = [asked[kept[position]] for position in cluster.members]
    flat = [question for member in members for question in member]
    departments = Counter(q.department for q in flat if q.department)
    examples = [member[0].text for member in members[:EXAMPLES]]
    return QuestionGroup(
        number=number, count=cluster.weight, examples=examples, suggestion=_as_question(examples[0]),
        department=min(departments, key=lambda slug: (-departments[slug], slug)) if departments else "accueil",
        handoffs=sum(1 for q in flat if q.decision == "handoff"),
        clarifications=sum(1 for q in flat if q.decision == "clarify"),
        keys=frozenset(kept[position] for position in cluster.members),
        centroid=cluster.centroid if with_centroid else None,
    )
