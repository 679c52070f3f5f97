"""``KnowledgeBase``: the ``SearchService`` the app, the CLI and the benchmark use.

It indexes the published entries of the database, answers searches with a decision, and follows
changes without retraining: ``refresh([id])`` re-embeds and re-indexes one entry (the editors' API
calls it after each change), and every search first checks, at most once a second, whether another
process (``guichet kb import`` next to the running app) changed entries or calibrated thresholds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from handoff_api.crud.city_facts_store import CityFacts
from handoff_api.db import session_scope
from handoff_api.models import Calibration, KBEntry
from knowledge_base import city_answers, store
from knowledge_base.abbreviations import expand
from knowledge_base.calibration_store import latest_thresholds
from knowledge_base.decision import DEFAULT_THRESHOLDS, Signals, Thresholds, decide, signals
from knowledge_base.dense import limit_blas_threads
from knowledge_base.embedding_cache import embed
from knowledge_base.hubness import Background
from knowledge_base.off_topic import OffTopic
from knowledge_base.placeholders import withhold_unfilled
from knowledge_base.ranking import FusionConfig, HybridIndex, Ranked, key_texts, passage_texts
from knowledge_base.recent_queries import RecentQueries
from knowledge_base.text import has_content
from knowledge_base.types import Encoder, Hit, SearchResult
from knowledge_base.validation import EntryData

log = logging.getLogger("guichet.kb")

MAX_QUERY_CHARS = 4000  # the encoder keeps 512 tokens (about 2,000 characters); no need to tokenise more
MAX_TOP_K = 20
UNFILLED_SPARE = 5  # candidates ranked beyond top_k, to replace unfilled entries left out of the choices
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


class KnowledgeBase:
    def __init__(self, *, encoder: Encoder, session_factory: sessionmaker[Session], dim: int,
                 config: FusionConfig | None = None, thresholds: Thresholds | None = None,
                 sync_seconds: float = 1.0, background_texts: list[str] | None = None,
                 facts: Callable[[Session], CityFacts] | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.encoder = encoder
        self.facts = facts  # the town hall's facts, for the built-in entries' answers
        self.clock = clock
        self.factory = session_factory
        self.config = config or FusionConfig()
        self.fixed_thresholds = thresholds
        self.thresholds = thresholds or DEFAULT_THRESHOLDS
        self.sync_seconds = sync_seconds
        self.background_texts = background_texts  # None: hubness.reference_texts()
        limit_blas_threads()
        self._index = HybridIndex(dim, self.config)
        self._off_topic = OffTopic(np.zeros((0, dim), dtype=np.float32))
        self.recent_queries = RecentQueries(encoder.encode_queries)
        self._lock = threading.RLock()
        self._ready = False
        self._checked_at = 0.0
        self._watermark: tuple[int, datetime | None, int | None] = (0, None, None)

    @property
    def ready(self) -> bool:
        return self._ready

    def __len__(self) -> int:
        return len(self._index)

    def load(self) -> None:
        """(Re)build the whole index from the published entries."""
        with session_scope(self.factory) as session:
            watermark = self._current_watermark(session)
            entries = [store.entry_data(entry) for entry in store.published_entries(session)]
            vectors = entry_vectors(session, encoder=self.encoder, entries=entries, config=self.config)
            thresholds = self._thresholds(session)
            off_topic = OffTopic.load(session, encoder=self.encoder)
            background = (Background.load(session, encoder=self.encoder, neighbours=self.config.hub_neighbours,
                                          texts=self.background_texts) if self.config.hub_weight > 0 else None)
        index = HybridIndex(self._index.dense.dim, self.config, background=background)
        index.put_many(vectors)
        with self._lock:
            self._index, self.thresholds, self._watermark = index, thresholds, watermark
            self._off_topic = off_topic
            self._checked_at = time.monotonic()
            self._ready = True
        log.info("knowledge base indexed %d published entries", len(index))

    def refresh(self, entry_ids: list[str] | None = None) -> None:
        """Re-read entries from the database: published ones are (re)indexed, the others removed."""
        if entry_ids is None:
            self.load()
            return
        with session_scope(self.factory) as session:
            entries = [store.entry_data(entry) for entry in store.published_entries(session, entry_ids=entry_ids)]
            vectors = entry_vectors(session, encoder=self.encoder, entries=entries, config=self.config)
        published = {entry.id for entry in entries}
        with self._lock:
            for entry_id in entry_ids:
                if entry_id not in published:
                    self._index.remove(entry_id)
            for entry, keys, passages in vectors:
                self._index.put(entry, keys, passages)

    def index_vectors(self, vectors: list[EntryVectors]) -> None:
        """Index entries whose vectors are already computed (the benchmark's synthetic entries)."""
        with self._lock:
            self._index.put_many(vectors)

    def _thresholds(self, session: Session) -> Thresholds:
        if self.fixed_thresholds is not None:
            return self.fixed_thresholds
        return latest_thresholds(session, model=self.encoder.name) or DEFAULT_THRESHOLDS

    def _current_watermark(self, session: Session) -> tuple[int, datetime | None, int | None]:
        count, latest = session.execute(select(func.count(), func.max(KBEntry.updated_at))).one()
        calibration = session.scalar(select(func.max(Calibration.id)).where(Calibration.model == self.encoder.name))
        return int(count), latest, calibration

    def sync(self) -> None:
        """Pick up what another process changed since the last look (entries, calibration)."""
        with session_scope(self.factory) as session:
            watermark = self._current_watermark(session)
            if watermark == self._watermark:
                return
            since = self._watermark[1]
            query = select(KBEntry.id)
            changed = list(session.scalars(query.where(KBEntry.updated_at >= since) if since else query))
            thresholds = self._thresholds(session)
        self.refresh(changed)
        with self._lock:
            self.thresholds, self._watermark = thresholds, watermark

    def _maybe_sync(self) -> None:
        now = time.monotonic()
        if self.sync_seconds < 0 or now - self._checked_at < self.sync_seconds:
            return
        self._checked_at = now
        try:
            self.sync()
        except Exception:  # a failed check must not fail the citizen's search
            log.exception("knowledge base: checking the database for changes failed")

    def analyse(self, text: str, *, limit: int | None = None) -> tuple[list[Ranked], Signals | None]:
        """The best entries for a message (abbreviations spelled out) and the signals the decision reads."""
        expanded = expand(text[:MAX_QUERY_CHARS])
        vector = self.recent_queries.vector(expanded)
        with self._lock:
            ranked = self._index.rank(expanded, vector, limit=limit)
            off_topic = self._off_topic.similarity(vector)
        return ranked, signals(ranked, off_topic=off_topic)

    def search(self, text: str, *, top_k: int = 3) -> SearchResult:
        if not isinstance(text, str) or not text.strip():
            raise ValueError("text: must not be empty")
        if not 1 <= top_k <= MAX_TOP_K:
            raise ValueError(f"top_k: {top_k} is not between 1 and {MAX_TOP_K}")
        query = text.strip()
        if not has_content(query):  # emoji, punctuation or a bare link: nothing to look up
            return SearchResult(query=query, decision="handoff", hits=[], signals={})
        self._maybe_sync()
        ranked, found = self.analyse(query, limit=max(top_k, 3) + UNFILLED_SPARE)
        with self._lock:
            decision = decide(found, self.thresholds)
            entries = self._index.entries
            hits = [Hit(id=r.id, score=round(r.score, 4), question=entries[r.id].question,
                        answer=entries[r.id].answer, department=entries[r.id].department, url=entries[r.id].url)
                    for r in ranked if r.id in entries]
        decision, hits = withhold_unfilled(decision, hits, top_k=top_k)
        return SearchResult(query=query, decision=decision, hits=self._with_city_facts(hits, query),
                            signals=found.as_dict() if found is not None else {})

    def _with_city_facts(self, hits: list[Hit], query: str) -> list[Hit]:
        """Built-in entries answered from the town hall's facts as they stand (``city_answers``)."""
        if not any(city_answers.is_builtin(hit.id) for hit in hits):
            return hits
        if self.facts is None:
            raise RuntimeError("knowledge base: built-in entries need the town hall's facts (facts=...)")
        with session_scope(self.factory) as session:
            facts = self.facts(session)
        now = self.clock()
        return [replace(hit, answer=city_answers.render(hit.id, facts=facts, query=query, now=now))
                if city_answers.is_builtin(hit.id) else hit for hit in hits]
