from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from guichet.models import EmbeddingCache
from knowledge_base.embedding_cache import embed, text_hash
from knowledge_base.hashing_encoder import HashingEncoder
from knowledge_base.yaml_files import import_path

from .conftest import make_knowledge_base


def test_second_load_encodes_nothing_already_cached(session_factory: sessionmaker[Session], sample_file: Path) -> None:
    import_path(session_factory, sample_file, actor="test")
    first = HashingEncoder(256)
    make_knowledge_base(session_factory, first)
    assert first.calls > 0 and first.encoded
    second = HashingEncoder(256)
    knowledge_base = make_knowledge_base(session_factory, second)
    assert second.calls == 0  # every key and passage came from the cache
    knowledge_base.search("piscine")
    assert second.encoded == ["piscine"]  # only the query


def test_only_new_texts_are_encoded_and_vectors_round_trip(session_factory: sessionmaker[Session]) -> None:
    encoder = HashingEncoder(64)
    with session_scope(session_factory) as session:
        first = embed(session, encoder=encoder, kind="passage", texts=["un", "deux", "un"])
    assert encoder.encoded == ["un", "deux"]
    with session_scope(session_factory) as session:
        again = embed(session, encoder=encoder, kind="passage", texts=["deux", "trois"])
        assert encoder.encoded == ["un", "deux", "trois"]
        assert (again[0] == first[1]).all()
        # the prompt is part of the key: the same text as a query is another vector
        embed(session, encoder=encoder, kind="query", texts=["un"])
        assert encoder.encoded[-1] == "un"
        count = session.scalar(select(func.count()).select_from(EmbeddingCache))
        assert count == 4
    assert text_hash("passage", "un") != text_hash("query", "un")


def test_cache_is_per_model(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        embed(session, encoder=HashingEncoder(64), kind="passage", texts=["un"])
        other = HashingEncoder(32)
        vectors = embed(session, encoder=other, kind="passage", texts=["un"])
    assert other.calls == 1 and vectors.shape == (1, 32)
