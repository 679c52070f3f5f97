"""Start-up: seed an empty knowledge base from the FAQ files, load the encoder, build the index.

``create_app`` runs ``load_knowledge_base`` in a thread; the CLI and the benchmark call it too.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from guichet.crud import city_facts_store
from guichet.db import one_instance_at_a_time, session_scope
from guichet.settings import Settings
from knowledge_base import store
from knowledge_base.encoder import SentenceTransformerEncoder
from knowledge_base.entry_vectors import entry_vectors
from knowledge_base.hashing_encoder import HashingEncoder, parse_hashing_name
from knowledge_base.page_vectors import national_pages
from knowledge_base.pages_elsewhere import kind_of
from knowledge_base.service import KnowledgeBase
from knowledge_base.types import Encoder
from knowledge_base.validation import EntryData
from knowledge_base.yaml_files import ImportReport, import_path

log = logging.getLogger("guichet.kb")


def load_encoder(settings: Settings) -> tuple[Encoder, int]:
    """The encoder named by the settings and its dimension (``hashing[:DIM]`` is the model-less stand-in)."""
    name = settings.resolved_embedding_model
    dim = parse_hashing_name(name)
    if dim is not None:
        return HashingEncoder(dim), dim
    encoder = SentenceTransformerEncoder(Path(name), precision=settings.embedding_precision)
    return encoder, encoder.dim


class CacheWarmer:
    """An import's ``before_writing``: embeds (and caches) its entries before it writes them, and the
    national pages the first time an entry the pages are checked against is imported (``pages_elsewhere``: unless
    their vectors were computed beside the model, the application then reads them from the cache)."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder

    def __call__(self, session: Session, entries: list[EntryData]) -> None:
        entry_vectors(session, encoder=self.encoder, entries=entries)
        if any(kind_of(entry) is not None for entry in entries):
            national_pages(session, encoder=self.encoder, folder=self.encoder.folder)


def seed_if_empty(settings: Settings, factory: sessionmaker[Session], *,
                  encoder: Encoder | None = None) -> ImportReport | None:
    """Import ``settings.faq_path`` when the database has no entry at all (and seeding is on)."""
    if not settings.seed_faq_on_start:
        return None
    with one_instance_at_a_time(factory, "guichet:faq-seed"):
        with session_scope(factory) as session:
            if store.count_entries(session) > 0:
                return None
        if not Path(settings.faq_path).exists():
            log.warning("no FAQ to seed from: %s does not exist", settings.faq_path)
            return None
        report = import_path(factory, Path(settings.faq_path), actor="seed",
                             before_writing=CacheWarmer(encoder) if encoder is not None else None)
    for line in report.lines():
        (log.info if not line.startswith("refused") else log.error)("seed: %s", line)
    return report


def load_knowledge_base(settings: Settings, session_factory: sessionmaker[Session]) -> KnowledgeBase:
    encoder, dim = load_encoder(settings)
    seed_if_empty(settings, session_factory, encoder=encoder)
    knowledge_base = KnowledgeBase(encoder=encoder, session_factory=session_factory, dim=dim,
                                   facts=partial(city_facts_store.current, settings=settings))
    knowledge_base.load()
    return knowledge_base
