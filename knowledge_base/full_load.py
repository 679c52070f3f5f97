"""A full load: everything the knowledge base reads from the database and builds from it, outside its lock.

``KnowledgeBase.load`` swaps the result in at once; a refresh of a few entries changes the index in place instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from guichet.db import one_instance_at_a_time, session_scope
from knowledge_base import store
from knowledge_base.changes import Watermark, current_watermark
from knowledge_base.decision_policy import DecisionPolicy, Policy
from knowledge_base.entry_vectors import entry_vectors
from knowledge_base.hubness import Background
from knowledge_base.indexed_entries import IndexedEntries
from knowledge_base.off_topic import OffTopic, current_off_topic
from knowledge_base.off_topic_store import seed_off_topic
from knowledge_base.pages_elsewhere import PagesElsewhere
from knowledge_base.ranking import FusionConfig, HybridIndex
from knowledge_base.types import Encoder


@dataclass(frozen=True)
class FullLoad:
    watermark: Watermark  # read first: whatever changes after it, the next sync picks up
    entries: IndexedEntries
    policy: Policy
    off_topic: OffTopic


def full_load(factory: sessionmaker[Session], *, encoder: Encoder, dim: int, config: FusionConfig,
              policy: DecisionPolicy, background_texts: list[str] | None) -> FullLoad:
    """The published entries indexed, with the decision's policy and the off-topic examples read in the same
    transaction; the entries and their vectors read on the way are let go on return."""
    with one_instance_at_a_time(factory, "guichet:off-topic-seed"), session_scope(factory) as session:
        seed_off_topic(session)  # instances sharing a database seed the list once
    with session_scope(factory) as session:
        watermark = current_watermark(session, model=encoder.name)
        entries = [store.entry_data(entry) for entry in store.published_entries(session)]
        vectors = entry_vectors(session, encoder=encoder, entries=entries, config=config)
        chosen = policy.read(session, model=encoder.name)
        off_topic = OffTopic.embedded(session, encoder=encoder, listed=current_off_topic(session))
        background = (Background.load(session, encoder=encoder, neighbours=config.hub_neighbours,
                                      texts=background_texts) if config.hub_weight > 0 else None)
    indexed = IndexedEntries(HybridIndex(dim, config, background=background),
                             pages_elsewhere=PagesElsewhere(folder=encoder.folder))
    indexed.put_many(vectors)
    with session_scope(factory) as session:  # the pages, once an entry they are checked against is indexed
        indexed.pages_elsewhere.load_pages(session, encoder=encoder)
    return FullLoad(watermark=watermark, entries=indexed, policy=chosen, off_topic=off_topic)
