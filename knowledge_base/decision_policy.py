"""The decision's policy on one knowledge base: where its thresholds come from, and the profile they follow.

The thresholds are fixed (given as numbers), a calibration's (the latest for the model: a rule, or older absolute
thresholds) or the default rule for the entries indexed now (``adaptive.default_rule``). A rule's thresholds are
recomputed whenever the knowledge base measures its profile again (``off_topic_profile``, from
``KnowledgeBase.update_profile``); after an edit, that runs in a background thread so that the edit stays fast.
``KnowledgeBase`` owns one ``DecisionPolicy``: its lock guards the policy's fields (a search reads the thresholds
under it), the policy's own lock only the thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from knowledge_base.adaptive import DEFAULT_ESTIMATES, DEFAULT_RULE, Profile, Rule, default_rule
from knowledge_base.calibration_store import latest_calibration, latest_policy
from knowledge_base.decision import DEFAULT_THRESHOLDS, Thresholds
from knowledge_base.off_topic import OffTopic
from knowledge_base.validation import EntryData

log = logging.getLogger("guichet.kb")

Policy = tuple[str, Rule | Thresholds]  # where it comes from, and what it is


class DecisionPolicy:
    def __init__(self, *, thresholds: Thresholds | None = None) -> None:
        self.fixed_thresholds = thresholds
        self.thresholds = thresholds or DEFAULT_THRESHOLDS
        self.rule: Rule = DEFAULT_RULE
        self.source = "default"  # or "calibration <id>", or "fixed"
        self._absolute = thresholds is not None  # thresholds given as numbers do not follow the profile
        self.profile = Profile(np.zeros(0), np.zeros(0))
        self._profile_lock = threading.Lock()
        self._profile_thread: threading.Thread | None = None
        self._profile_wanted = False

    def read(self, session: Session, *, model: str) -> Policy:
        """The policy in force for ``model``: the fixed thresholds, else the latest calibration, else the default."""
        if self.fixed_thresholds is not None:
            return "fixed", self.fixed_thresholds
        return latest_policy(session, model=model) or ("default", DEFAULT_RULE)

    def adopt(self, policy: Policy, *, entries: Iterable[EntryData]) -> None:
        """Called with the knowledge base's lock held; ``entries``: those indexed now."""
        self.source, chosen = policy
        self._absolute = isinstance(chosen, Thresholds)
        if isinstance(chosen, Thresholds):
            self.thresholds = chosen
        else:
            self.rule = _default_rule(entries) if self.source == "default" else chosen
            self.thresholds = self.profile.thresholds(self.rule) or DEFAULT_THRESHOLDS

    def follow(self, profile: Profile, *, entries: Iterable[EntryData]) -> None:
        """Called with the knowledge base's lock held: the thresholds from the rule on this profile (kept as they are
        when fixed or calibrated as such); ``entries``: those indexed now."""
        self.profile = profile
        if self.source == "default":
            self.rule = _default_rule(entries)
        if not self._absolute:
            self.thresholds = profile.thresholds(self.rule) or DEFAULT_THRESHOLDS

    def status(self, *, entries: int, off_topic: OffTopic) -> dict[str, Any]:
        """For the console, called with the knowledge base's lock held: where the decision comes from, on how many
        ``entries``, and the off-topic list (``estimates``: what it is estimated to reach)."""
        return {"source": self.source, "rule": self.rule.as_dict(), "thresholds": self.thresholds.as_dict(),
                "entries": entries, "off_topic_examples": len(off_topic.texts),
                "off_topic_ignored": len(off_topic.ignored), "profile_size": len(self.profile)}

    def estimates(self, factory: sessionmaker[Session], *, model: str) -> list[dict[str, Any]]:
        """What the decision is estimated to reach: the calibration's cross-validated figures when it comes from
        one that has them, else what the default rules were measured to reach."""
        estimates = list(DEFAULT_ESTIMATES)
        if self.source.startswith("calibration"):
            with session_scope(factory) as session:
                calibration = latest_calibration(session, model=model)
                crossed = ((calibration.metrics or {}).get("cross_validated") if calibration is not None else None)
            if crossed:
                estimates = [{"what": "questions étiquetées de cette base (validation croisée)",
                              "precision": crossed["answer_precision"], "coverage": crossed["answered_correct"],
                              "offered": crossed["answered_or_offered"]}]
        return estimates

    def schedule_profile(self, *, update: Callable[[], None]) -> None:
        """``update`` (``KnowledgeBase.update_profile``) in a background thread; changes arriving meanwhile are folded
        into one more run."""
        with self._profile_lock:
            self._profile_wanted = True
            if self._profile_thread is not None and self._profile_thread.is_alive():
                return
            self._profile_thread = threading.Thread(target=self._profile_loop, args=(update,), name="kb-profile",
                                                    daemon=True)
            self._profile_thread.start()

    def _profile_loop(self, update: Callable[[], None]) -> None:
        while True:
            with self._profile_lock:
                if not self._profile_wanted:
                    self._profile_thread = None
                    return
                self._profile_wanted = False
            try:
                update()
            except Exception:  # the previous thresholds stay; the next change tries again
                log.exception("knowledge base: recomputing the decision's profile failed")

    def wait_profile(self, *, timeout: float) -> None:
        """Wait for a scheduled profile update."""
        thread = self._profile_thread
        if thread is not None:
            thread.join(timeout)


def off_topic_profile(off_topic: OffTopic, *, keys: list[npt.NDArray[np.float32]], relative: bool,
                      top_score: Callable[[str, npt.NDArray[np.float32]], float | None]) -> Profile:
    """Re-check the off-topic list against the entries' ``keys`` (``OffTopic.relative_to``; every example counts when
    there are none or the list is not ``relative``), then measure what the written list's examples score on this
    knowledge base (``OffTopic.profiled``): each one's ``top_score`` (None: no entry ranked) and its lead over its
    closest other example."""
    dim = off_topic.all_vectors.shape[1] if off_topic.all_vectors.ndim == 2 else 0
    off_topic.relative_to(np.concatenate(keys) if keys and relative
                          else np.zeros((0, dim), dtype=np.float32))  # no keys: every example counts
    texts = [t for t, keep in zip(off_topic.texts, off_topic.counting, strict=True) if keep]
    nearest = off_topic.nearest_others()
    tops, gaps = [], []
    for text, vector, other, profiled in zip(texts, off_topic.vectors, nearest, off_topic.profiled, strict=True):
        if not profiled:
            continue
        top = top_score(text, vector)
        if top is not None:
            tops.append(top)
            gaps.append(top - other)
    return Profile(np.array(tops), np.array(gaps))


def _default_rule(entries: Iterable[EntryData]) -> Rule:
    """The default rule for these entries (read with the knowledge base's lock held)."""
    return default_rule(variant_counts=[len(entry.variants) for entry in entries])
