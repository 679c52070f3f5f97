from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import make_engine, make_session_factory, session_scope
from guichet.migrate import upgrade
from guichet.models import EmbeddingCache
from guichet.settings import Settings
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
        embed(session, encoder=encoder, kind="passage", texts=["trois"])  # computed earlier in this session
        assert encoder.encoded == ["un", "deux", "trois", "un"]
    with session_scope(session_factory) as session:
        assert session.scalar(select(func.count()).select_from(EmbeddingCache)) == 4
    assert text_hash("passage", "un") != text_hash("query", "un")


def test_encoding_holds_no_write_lock_and_the_vectors_are_inserted_at_commit(settings: Settings,
                                                                            write_lock: threading.Lock) -> None:
    engine = make_engine(settings)
    upgrade(engine)
    factory = make_session_factory(engine)
    encoder = HashingEncoder(64)
    with session_scope(factory) as session:
        embed(session, encoder=encoder, kind="passage", texts=["un", "deux"])
        embed(session, encoder=encoder, kind="query", texts=["trois"])
        assert not write_lock.locked()  # a long load encodes while other writers go on
        with session_scope(factory) as other:  # and another writer meanwhile is not kept waiting
            other.add(EmbeddingCache(model="other", text_hash="h", dim=1, vector=b"\0\0\0\0"))
    assert not write_lock.locked()
    with session_scope(factory) as session:
        assert session.scalar(select(func.count()).select_from(EmbeddingCache)) == 4
    with factory() as session:  # rolled back: nothing inserted, computed again next time
        embed(session, encoder=encoder, kind="passage", texts=["quatre"])
        session.rollback()
    with session_scope(factory) as session:
        assert session.scalar(select(func.count()).select_from(EmbeddingCache)) == 4
        embed(session, encoder=encoder, kind="passage", texts=["quatre"])
    assert encoder.encoded.count("quatre") == 2
    engine.dispose()


def test_cache_is_per_model(session_factory: sessionmaker[Session]) -> None:
    with session_scope(session_factory) as session:
        embed(session, encoder=HashingEncoder(64), kind="passage", texts=["un"])
        other = HashingEncoder(32)
        vectors = embed(session, encoder=other, kind="passage", texts=["un"])
    assert other.calls == 1 and vectors.shape == (1, 32)
