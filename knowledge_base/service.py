"""``KnowledgeBase``: the ``SearchService`` the app, the CLI and the benchmark use.

It indexes the published entries of the database, answers searches with a decision, and follows
changes without retraining: ``refresh([id])`` re-embeds and re-indexes one entry (the editors' API
calls it after each change), and every search first checks, at most once a second, whether another
process (``guichet kb import`` next to the running app) changed entries or calibrated thresholds.
Whenever entries change, the decision follows with no manual step: the off-topic list is re-checked
against the entries and the thresholds are recomputed from the rule (``adaptive``) on this knowledge
base's own profile (in a background thread after an edit, so that the edit stays fast).

Its parts: the entries as indexed (``indexed_entries``), a full load (``full_load``), what another process
changed (``changes``), and the decision's policy and profile (``decision_policy``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session, sessionmaker

from guichet.contract.limits import MAX_QUERY_CHARS
from guichet.crud.city_facts_store import CityFacts
from guichet.db import session_scope
from guichet.heap import release_free_memory
from knowledge_base import city_answers, store
from knowledge_base.abbreviations import expand
from knowledge_base.adaptive import Profile, Rule
from knowledge_base.changes import NOTHING_SEEN, Watermark, changes_since
from knowledge_base.confirmed_match import confirmed_entry
from knowledge_base.decision import Signals, Thresholds, decide, signals
from knowledge_base.decision_policy import DecisionPolicy, off_topic_profile
from knowledge_base.dense import limit_blas_threads
from knowledge_base.entry_vectors import EntryVectors, entry_vectors
from knowledge_base.full_load import full_load
from knowledge_base.hubness import Background
from knowledge_base.indexed_entries import IndexedEntries
from knowledge_base.off_topic import Listed, OffTopic, current_off_topic
from knowledge_base.pages_elsewhere import Elsewhere, EntryKind, PagesElsewhere, held_back
from knowledge_base.placeholders import withhold_unfilled
from knowledge_base.ranking import FusionConfig, HybridIndex, Ranked
from knowledge_base.recent_queries import RecentQueries
from knowledge_base.text import has_content
from knowledge_base.types import Encoder, Hit, SearchResult

log = logging.getLogger("guichet.kb")

MAX_TOP_K = 20
UNFILLED_SPARE = 5  # candidates ranked beyond top_k, to replace unfilled entries left out of the choices
CONFLICT_CANDIDATES = 3  # the other entries the decision would offer
CONFLICT_RAREST = 1  # a word only that other entry uses (docs/benchmarks-kb.md: what rarer bounds cost)
BULK_REFRESH = 200  # a refresh of this many entries (an import) hands the freed heap back, as a full load does


class KnowledgeBase:
    def __init__(self, *, encoder: Encoder, session_factory: sessionmaker[Session], dim: int,
                 config: FusionConfig | None = None, thresholds: Thresholds | None = None,
                 sync_seconds: float = 1.0, background_texts: list[str] | None = None,
                 facts: Callable[[Session], CityFacts] | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 relative_off_topic: bool = True) -> None:
        self.encoder = encoder
        self.facts = facts  # the town hall's facts, for the built-in entries' answers
        self.clock = clock
        self.factory = session_factory
        self.config = config or FusionConfig()
        self.policy = DecisionPolicy(thresholds=thresholds)
        self.sync_seconds = sync_seconds
        self.background_texts = background_texts  # None: hubness.reference_texts()
        self.relative_off_topic = relative_off_topic
        limit_blas_threads()
        self._entries = IndexedEntries(HybridIndex(dim, self.config),
                                       pages_elsewhere=PagesElsewhere(folder=encoder.folder))
        self._off_topic = OffTopic(np.zeros((0, dim), dtype=np.float32))
        self.recent_queries = RecentQueries(encoder.encode_queries)
        self._lock = threading.RLock()
        self._ready = False
        self._checked_at = 0.0
        self._watermark: Watermark = NOTHING_SEEN

    @property
    def ready(self) -> bool:
        return self._ready

    @property
    def _index(self) -> HybridIndex:
        """The hybrid index of the entries indexed now."""
        return self._entries.index

    @property
    def pages_elsewhere(self) -> PagesElsewhere:
        """The Service-public.fr pages the entries hold, and the others."""
        return self._entries.pages_elsewhere

    @property
    def thresholds(self) -> Thresholds:
        return self.policy.thresholds

    @thresholds.setter
    def thresholds(self, thresholds: Thresholds) -> None:
        self.policy.thresholds = thresholds

    @property
    def rule(self) -> Rule:
        return self.policy.rule

    @property
    def policy_source(self) -> str:
        return self.policy.source

    @property
    def profile(self) -> Profile:
        return self.policy.profile

    def __len__(self) -> int:
        return len(self._index)

    def load(self) -> None:
        """(Re)build the whole index from the published entries."""
        loaded = full_load(self.factory, encoder=self.encoder, dim=self._index.dense.dim, config=self.config,
                           policy=self.policy, background_texts=self.background_texts)
        with self._lock:
            self._entries, self._watermark, self._off_topic = loaded.entries, loaded.watermark, loaded.off_topic
            self.policy.adopt(loaded.policy, entries=self._index.entries.values())
            self._checked_at = time.monotonic()
        release_free_memory()  # the load's own copies of the entries and their vectors are gone: the heap is trimmed
        self.update_profile()
        with self._lock:
            self._ready = True
        log.info("knowledge base indexed %d published entries", len(loaded.entries.index))

    def refresh(self, entry_ids: list[str] | None = None) -> None:
        """Re-read entries from the database: published ones are (re)indexed, the others removed."""
        if entry_ids is None:
            self.load()
            return
        if not entry_ids:
            self.schedule_profile()
            return
        with session_scope(self.factory) as session:
            entries = [store.entry_data(entry) for entry in store.published_entries(session, entry_ids=entry_ids)]
            vectors = entry_vectors(session, encoder=self.encoder, entries=entries, config=self.config)
        published = {entry.id for entry in entries}
        with self._lock:
            for entry_id in entry_ids:
                if entry_id not in published:
                    self._entries.remove(entry_id)
            for entry, keys, passages in vectors:
                self._entries.put(entry, keys, passages)
        self.pages_elsewhere.load_pages_later(self.factory, encoder=self.encoder)
        if len(entry_ids) >= BULK_REFRESH:
            del entries, vectors
            release_free_memory()
        self.schedule_profile()

    def decision_status(self) -> dict[str, Any]:
        """For the console: where the decision comes from, what it is estimated to reach, the off-topic list."""
        with self._lock:
            status = self.policy.status(entries=len(self._index), off_topic=self._off_topic)
        status["estimates"] = self.policy.estimates(self.factory, model=self.encoder.name)
        return status

    def refresh_off_topic(self) -> None:
        """Re-read the off-topic examples (an editor changed them), then recompute the profile."""
        with session_scope(self.factory) as session:
            listed = current_off_topic(session)
        self._set_off_topic(listed)
        self.schedule_profile()

    def use_off_topic(self, listed: Listed) -> None:
        """These off-topic examples instead of the database's until the next change (evaluation protocols); the
        profile is recomputed before returning."""
        self._set_off_topic(listed)
        self.update_profile()

    def _set_off_topic(self, listed: Listed) -> None:
        with session_scope(self.factory) as session:
            off_topic = OffTopic.embedded(session, encoder=self.encoder, listed=listed)
        with self._lock:
            self._off_topic = off_topic

    def index_background(self, background: Background) -> None:
        """Measure entries put from now on against ``background`` (evaluation protocols)."""
        with self._lock:
            self._index.background = background if self.config.hub_weight > 0 else None

    def index_vectors(self, vectors: list[EntryVectors]) -> None:
        """Index entries whose vectors are already computed (the benchmark's synthetic entries)."""
        with self._lock:
            self._entries.put_many(vectors)
        release_free_memory()

    def update_profile(self) -> None:
        """Re-check the off-topic list against the entries, measure what its examples score on this knowledge
        base, and recompute the thresholds from the rule (kept as they are when fixed or calibrated as such)."""
        with self._lock:
            keys = list(self._entries.keys.values())
            off_topic = self._off_topic
        profile = off_topic_profile(off_topic, keys=keys, relative=self.relative_off_topic, top_score=self._top_score)
        with self._lock:
            self.policy.follow(profile, entries=self._index.entries.values())

    def _top_score(self, text: str, vector: npt.NDArray[np.float32]) -> float | None:
        """The score of the entry ranked first for an off-topic example (None: nothing ranked)."""
        with self._lock:
            ranked = self._index.rank(expand(text), vector, limit=3)
        return ranked[0].score if ranked else None

    def schedule_profile(self) -> None:
        """``update_profile`` in a background thread; changes arriving meanwhile are folded into one more run."""
        self.policy.schedule_profile(update=self.update_profile)

    def wait_profile(self, timeout: float = 30.0) -> None:
        """Wait for a scheduled profile update (tests, the CLI)."""
        self.policy.wait_profile(timeout=timeout)

    def sync(self) -> None:
        """Pick up what another process changed since the last look (entries, calibration)."""
        changes = changes_since(self.factory, self._watermark, encoder=self.encoder, policy=self.policy)
        if changes is None:
            return
        with self._lock:
            self.policy.adopt(changes.policy, entries=self._index.entries.values())
            if changes.off_topic is not None:
                self._off_topic = changes.off_topic
        self.refresh(changes.entry_ids)
        with self._lock:
            self._watermark = changes.watermark

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
        ranked, found, _away = self._analyse(text, limit=limit)
        return ranked, found

    def _analyse(self, text: str, *, limit: int | None) -> tuple[list[Ranked], Signals | None, Elsewhere | None]:
        """``analyse``, and the nearest page not held with its lead over the first entry (``pages_elsewhere``)."""
        expanded = expand(text[:MAX_QUERY_CHARS])
        vector = self.recent_queries.vector(expanded)
        with self._lock:
            ranked, nearest = self._index.rank_and_nearest(expanded, vector, limit=limit)
            off_topic = self._off_topic.similarity(vector)
            conflict = self._entries.conflict(expanded, ranked, candidates=CONFLICT_CANDIDATES, rarest=CONFLICT_RAREST)
            first = self._index.entries.get(ranked[0].id) if ranked else None
            away = (self.pages_elsewhere.elsewhere(first, vector, self._index.dense.passage(first.id))
                    if first else None)
        lead = {kind: away[1] if away is not None and away[0] is kind else -1.0 for kind in EntryKind}
        return ranked, signals(ranked, off_topic=off_topic, conflict=conflict, nearest=nearest,
                               elsewhere=lead[EntryKind.BARE], elsewhere_written=lead[EntryKind.WRITTEN]), away

    def search(self, text: str, *, top_k: int = 3) -> SearchResult:
        if not isinstance(text, str) or not text.strip():
            raise ValueError("text: must not be empty")
        if not 1 <= top_k <= MAX_TOP_K:
            raise ValueError(f"top_k: {top_k} is not between 1 and {MAX_TOP_K}")
        query = text.strip()
        if not has_content(query):  # emoji, punctuation or a bare link: nothing to look up
            return SearchResult(query=query, decision="handoff", hits=[], signals={})
        self._maybe_sync()
        ranked, found, away = self._analyse(query, limit=max(top_k, 3) + UNFILLED_SPARE)
        with self._lock:
            decision = decide(found, self.thresholds)
            page = held_back(away, self.thresholds)
            entries = self._index.entries
            candidates = [entries[r.id] for r in ranked[:CONFLICT_CANDIDATES] if r.id in entries]
            if decision != "answer" and confirmed_entry(query, candidates) is not None:
                decision = "answer"  # a question written (or confirmed) for the first entry, word for word
            hits = [Hit(id=r.id, score=round(r.score, 4), question=entries[r.id].question,
                        answer=entries[r.id].answer, department=entries[r.id].department, url=entries[r.id].url)
                    for r in ranked if r.id in entries]
        decision, hits = withhold_unfilled(decision, hits, top_k=top_k)
        return SearchResult(query=query, decision=decision, hits=self._with_city_facts(hits, query),
                            signals=found.as_dict() if found is not None else {}, page=page)

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
