"""``KnowledgeBase``: the ``SearchService`` the app, the CLI and the benchmark use.

It indexes the published entries of the database, answers searches with a decision, and follows
changes without retraining: ``refresh([id])`` re-embeds and re-indexes one entry (the editors' API
calls it after each change), and every search first checks, at most once a second, whether another
process (``guichet kb import`` next to the running app) changed entries or calibrated thresholds.
Whenever entries change, the decision follows with no manual step: the off-topic list is re-checked
against the entries and the thresholds are recomputed from the rule (``adaptive``) on this knowledge
base's own profile (in a background thread after an edit, so that the edit stays fast).
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
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from guichet.contract.limits import MAX_QUERY_CHARS
from guichet.crud.city_facts_store import CityFacts
from guichet.db import one_instance_at_a_time, session_scope
from guichet.heap import release_free_memory
from guichet.models import Calibration, KBEntry
from knowledge_base import city_answers, store
from knowledge_base.abbreviations import expand
from knowledge_base.adaptive import DEFAULT_ESTIMATES, DEFAULT_RULE, Profile, Rule, default_rule
from knowledge_base.agreement import KeyTerms
from knowledge_base.calibration_store import latest_calibration, latest_policy
from knowledge_base.confirmed_match import confirmed_entry
from knowledge_base.decision import DEFAULT_THRESHOLDS, Signals, Thresholds, decide, signals
from knowledge_base.dense import limit_blas_threads
from knowledge_base.embedding_cache import embed
from knowledge_base.hubness import Background
from knowledge_base.off_topic import OffTopic, current_off_topic_texts
from knowledge_base.off_topic_store import seed_off_topic
from knowledge_base.off_topic_store import watermark as off_topic_watermark
from knowledge_base.pages_elsewhere import EntryKind, PagesElsewhere
from knowledge_base.placeholders import withhold_unfilled
from knowledge_base.ranking import FusionConfig, HybridIndex, Ranked, key_texts, passage_texts
from knowledge_base.recent_queries import RecentQueries
from knowledge_base.text import has_content
from knowledge_base.types import Encoder, Hit, SearchResult
from knowledge_base.validation import EntryData

log = logging.getLogger("guichet.kb")

MAX_TOP_K = 20
UNFILLED_SPARE = 5  # candidates ranked beyond top_k, to replace unfilled entries left out of the choices
CONFLICT_CANDIDATES = 3  # the other entries the decision would offer
CONFLICT_RAREST = 1  # a word only that other entry uses (docs/benchmarks-kb.md: what rarer bounds cost)
BULK_REFRESH = 200  # a refresh of this many entries (an import) hands the freed heap back, as a full load does
EntryVectors = tuple[EntryData, npt.NDArray[np.float32], npt.NDArray[np.float32]]
Watermark = tuple[int, datetime | None, int | None, tuple[int, datetime | None] | None]


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
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 relative_off_topic: bool = True) -> None:
        self.encoder = encoder
        self.facts = facts  # the town hall's facts, for the built-in entries' answers
        self.clock = clock
        self.factory = session_factory
        self.config = config or FusionConfig()
        self.fixed_thresholds = thresholds
        self.thresholds = thresholds or DEFAULT_THRESHOLDS
        self.rule: Rule = DEFAULT_RULE
        self.policy_source = "default"  # or "calibration <id>", or "fixed"
        self._absolute = thresholds is not None  # thresholds given as numbers do not follow the profile
        self.profile = Profile(np.zeros(0), np.zeros(0))
        self.sync_seconds = sync_seconds
        self.background_texts = background_texts  # None: hubness.reference_texts()
        self.relative_off_topic = relative_off_topic
        limit_blas_threads()
        self._index = HybridIndex(dim, self.config)
        self._keys: dict[str, npt.NDArray[np.float32]] = {}
        self.key_terms = KeyTerms()
        self.pages_elsewhere = PagesElsewhere(folder=encoder.folder)  # the national pages not held
        self._off_topic = OffTopic(np.zeros((0, dim), dtype=np.float32))
        self._profile_lock = threading.Lock()
        self._profile_thread: threading.Thread | None = None
        self._profile_wanted = False
        self.recent_queries = RecentQueries(encoder.encode_queries)
        self._lock = threading.RLock()
        self._ready = False
        self._checked_at = 0.0
        self._watermark: Watermark = (0, None, None, None)

    @property
    def ready(self) -> bool:
        return self._ready

    def __len__(self) -> int:
        return len(self._index)

    def load(self) -> None:
        """(Re)build the whole index from the published entries."""
        with one_instance_at_a_time(self.factory, "guichet:off-topic-seed"), session_scope(self.factory) as session:
            seed_off_topic(session)  # instances sharing a database seed the list once
        with session_scope(self.factory) as session:
            watermark = self._current_watermark(session)
            entries = [store.entry_data(entry) for entry in store.published_entries(session)]
            vectors = entry_vectors(session, encoder=self.encoder, entries=entries, config=self.config)
            policy = self._policy(session)
            off_topic = OffTopic.embedded(session, encoder=self.encoder, texts=current_off_topic_texts(session))
            background = (Background.load(session, encoder=self.encoder, neighbours=self.config.hub_neighbours,
                                          texts=self.background_texts) if self.config.hub_weight > 0 else None)
            elsewhere = PagesElsewhere(folder=self.encoder.folder)
            for entry in entries:
                elsewhere.put(entry)
            elsewhere.load_pages(session, encoder=self.encoder)
        index = HybridIndex(self._index.dense.dim, self.config, background=background)
        index.put_many(vectors)
        index.dense.shrink()
        key_terms = KeyTerms()
        for entry, _keys, _passages in vectors:
            key_terms.put(entry)
        with self._lock:
            self._index, self._watermark = index, watermark
            self._keys = {entry.id: keys for entry, keys, _passages in vectors}
            self.key_terms, self.pages_elsewhere = key_terms, elsewhere
            self._off_topic = off_topic
            self._set_policy(policy)
            self._checked_at = time.monotonic()
        del entries, vectors  # the index holds what it needs; the load's copies go before the heap is trimmed
        release_free_memory()
        self.update_profile()
        with self._lock:
            self._ready = True
        log.info("knowledge base indexed %d published entries", len(index))

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
                    self._index.remove(entry_id)
                    self._keys.pop(entry_id, None)
                    self.key_terms.remove(entry_id)
                    self.pages_elsewhere.remove(entry_id)
            for entry, keys, passages in vectors:
                self._index.put(entry, keys, passages)
                self._keys[entry.id] = keys
                self.key_terms.put(entry)
                self.pages_elsewhere.put(entry)
        self.pages_elsewhere.load_pages_later(self.factory, encoder=self.encoder)
        if len(entry_ids) >= BULK_REFRESH:
            del entries, vectors
            release_free_memory()
        self.schedule_profile()

    def decision_status(self) -> dict[str, Any]:
        """For the console: where the decision comes from, what it is estimated to reach, the off-topic list."""
        with self._lock:
            off_topic = self._off_topic
            status: dict[str, Any] = {
                "source": self.policy_source, "rule": self.rule.as_dict(), "thresholds": self.thresholds.as_dict(),
                "entries": len(self._index), "off_topic_examples": len(off_topic.texts),
                "off_topic_ignored": len(off_topic.ignored), "profile_size": len(self.profile)}
        estimates = list(DEFAULT_ESTIMATES)
        if self.policy_source.startswith("calibration"):
            with session_scope(self.factory) as session:
                calibration = latest_calibration(session, model=self.encoder.name)
                crossed = ((calibration.metrics or {}).get("cross_validated") if calibration is not None else None)
            if crossed:
                estimates = [{"what": "questions étiquetées de cette base (validation croisée)",
                              "precision": crossed["answer_precision"], "coverage": crossed["answered_correct"],
                              "offered": crossed["answered_or_offered"]}]
        status["estimates"] = estimates
        return status

    def refresh_off_topic(self) -> None:
        """Re-read the off-topic examples (an editor changed them), then recompute the profile."""
        with session_scope(self.factory) as session:
            texts = current_off_topic_texts(session)
        self._set_off_topic(texts)
        self.schedule_profile()

    def use_off_topic(self, texts: list[str]) -> None:
        """These off-topic examples instead of the database's until the next change (evaluation protocols); the
        profile is recomputed before returning."""
        self._set_off_topic(texts)
        self.update_profile()

    def _set_off_topic(self, texts: list[str]) -> None:
        with session_scope(self.factory) as session:
            off_topic = OffTopic.embedded(session, encoder=self.encoder, texts=texts)
        with self._lock:
            self._off_topic = off_topic

    def index_background(self, background: Background) -> None:
        """Measure entries put from now on against ``background`` (evaluation protocols)."""
        with self._lock:
            self._index.background = background if self.config.hub_weight > 0 else None

    def index_vectors(self, vectors: list[EntryVectors]) -> None:
        """Index entries whose vectors are already computed (the benchmark's synthetic entries)."""
        with self._lock:
            self._index.put_many(vectors)
            self._index.dense.shrink()
            for entry, keys, _passages in vectors:
                self._keys[entry.id] = keys
                self.key_terms.put(entry)
                self.pages_elsewhere.put(entry)
        release_free_memory()

    def _policy(self, session: Session) -> tuple[str, Rule | Thresholds]:
        if self.fixed_thresholds is not None:
            return "fixed", self.fixed_thresholds
        return latest_policy(session, model=self.encoder.name) or ("default", DEFAULT_RULE)

    def _set_policy(self, policy: tuple[str, Rule | Thresholds]) -> None:
        """Called with the lock held."""
        self.policy_source, chosen = policy
        self._absolute = isinstance(chosen, Thresholds)
        if isinstance(chosen, Thresholds):
            self.thresholds = chosen
        else:
            self.rule = self._default_rule() if self.policy_source == "default" else chosen
            self.thresholds = self.profile.thresholds(self.rule) or DEFAULT_THRESHOLDS

    def _default_rule(self) -> Rule:
        """Called with the lock held: the default rule for the entries indexed now."""
        entries = self._index.entries.values()
        return default_rule(variant_counts=[len(entry.variants) for entry in entries])

    def update_profile(self) -> None:
        """Re-check the off-topic list against the entries, measure what its examples score on this knowledge
        base, and recompute the thresholds from the rule (kept as they are when fixed or calibrated as such)."""
        with self._lock:
            keys = list(self._keys.values())
            off_topic = self._off_topic
        dim = off_topic.all_vectors.shape[1] if off_topic.all_vectors.ndim == 2 else 0
        off_topic.relative_to(np.concatenate(keys) if keys and self.relative_off_topic
                              else np.zeros((0, dim), dtype=np.float32))  # no keys: every example counts
        texts = [t for t, keep in zip(off_topic.texts, off_topic.counting, strict=True) if keep]
        nearest = off_topic.nearest_others()
        tops, gaps = [], []
        for text, vector, other in zip(texts, off_topic.vectors, nearest, strict=True):
            with self._lock:
                ranked = self._index.rank(expand(text), vector, limit=3)
            if ranked:
                tops.append(ranked[0].score)
                gaps.append(ranked[0].score - other)
        profile = Profile(np.array(tops), np.array(gaps))
        with self._lock:
            self.profile = profile
            if self.policy_source == "default":
                self.rule = self._default_rule()
            if not self._absolute:
                self.thresholds = profile.thresholds(self.rule) or DEFAULT_THRESHOLDS

    def schedule_profile(self) -> None:
        """``update_profile`` in a background thread; changes arriving meanwhile are folded into one more run."""
        with self._profile_lock:
            self._profile_wanted = True
            if self._profile_thread is not None and self._profile_thread.is_alive():
                return
            self._profile_thread = threading.Thread(target=self._profile_loop, name="kb-profile", daemon=True)
            self._profile_thread.start()

    def _profile_loop(self) -> None:
        while True:
            with self._profile_lock:
                if not self._profile_wanted:
                    self._profile_thread = None
                    return
                self._profile_wanted = False
            try:
                self.update_profile()
            except Exception:  # the previous thresholds stay; the next change tries again
                log.exception("knowledge base: recomputing the decision's profile failed")

    def wait_profile(self, timeout: float = 30.0) -> None:
        """Wait for a scheduled profile update (tests, the CLI)."""
        thread = self._profile_thread
        if thread is not None:
            thread.join(timeout)

    def _current_watermark(self, session: Session) -> Watermark:
        count, latest = session.execute(select(func.count(), func.max(KBEntry.updated_at))).one()
        calibration = session.scalar(select(func.max(Calibration.id)).where(Calibration.model == self.encoder.name))
        return int(count), latest, calibration, off_topic_watermark(session)

    def sync(self) -> None:
        """Pick up what another process changed since the last look (entries, calibration)."""
        with session_scope(self.factory) as session:
            watermark = self._current_watermark(session)
            if watermark == self._watermark:
                return
            since = self._watermark[1]
            query = select(KBEntry.id)
            changed = list(session.scalars(query.where(KBEntry.updated_at >= since) if since else query))
            policy = self._policy(session)
            off_topic = (OffTopic.embedded(session, encoder=self.encoder, texts=current_off_topic_texts(session))
                         if watermark[3] != self._watermark[3] else None)
        with self._lock:
            self._set_policy(policy)
            if off_topic is not None:
                self._off_topic = off_topic
        self.refresh(changed)
        with self._lock:
            self._watermark = watermark

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
            ranked, nearest = self._index.rank_and_nearest(expanded, vector, limit=limit)
            off_topic = self._off_topic.similarity(vector)
            conflict = self._conflict(expanded, ranked)
            first = self._index.entries.get(ranked[0].id) if ranked else None
            away = self.pages_elsewhere.elsewhere(first, vector, self._index.dense.passage(first.id)) if first else None
        lead = {kind: away[1] if away is not None and away[0] is kind else -1.0 for kind in EntryKind}
        return ranked, signals(ranked, off_topic=off_topic, conflict=conflict, nearest=nearest,
                               elsewhere=lead[EntryKind.BARE], elsewhere_written=lead[EntryKind.WRITTEN])

    def _conflict(self, text: str, ranked: list[Ranked]) -> str | None:
        """Key-term disagreement (another candidate's subject, or another object: ``KeyTerms.conflict``), read only
        when the first entry has variants: an entry with its question and a short answer alone says too little for
        "it never mentions that word" to mean anything."""
        first = self._index.entries.get(ranked[0].id) if ranked else None
        if first is None or not first.variants:
            return None
        return self.key_terms.conflict(text, [r.id for r in ranked[:CONFLICT_CANDIDATES]], rarest=CONFLICT_RAREST)

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
            candidates = [entries[r.id] for r in ranked[:CONFLICT_CANDIDATES] if r.id in entries]
            if decision != "answer" and confirmed_entry(query, candidates) is not None:
                decision = "answer"  # a question written (or confirmed) for the first entry, word for word
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
