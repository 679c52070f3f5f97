"""Vectors already computed, kept in the database by (model name, sha256 of prompt + text).

A restart, or a second process (the CLI next to the app), then encodes only what changed. Fresh vectors are
inserted when the caller's session commits, not when they are computed: a load that encodes for a minute (entries'
questions, then their passages, the off-topic list, the pages) never holds the database's write lock meanwhile, which
on SQLite would keep every citizen's message waiting (``guichet.sqlite_writes``).
"""

from __future__ import annotations

import hashlib
from typing import Literal

import numpy as np
import numpy.typing as npt
from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from guichet.models import EmbeddingCache
from knowledge_base.types import Encoder

Kind = Literal["query", "passage"]
_LOOKUP_CHUNK = 500
_PENDING = "guichet_vectors_to_cache"  # in ``Session.info``: {(model, hash): vector} inserted at commit


def text_hash(kind: Kind, text: str) -> str:
    return hashlib.sha256(f"{kind}: {text}".encode()).hexdigest()


def embed(session: Session, *, encoder: Encoder, kind: Kind, texts: list[str]) -> npt.NDArray[np.float32]:
    """One normalised vector per text, from the cache where it is, encoded (and cached) otherwise."""
    hashes = [text_hash(kind, text) for text in texts]
    found = cached_vectors(session, model=encoder.name, hashes=list(set(hashes)))
    missing = list(dict.fromkeys(text for text, digest in zip(texts, hashes, strict=True) if digest not in found))
    if missing:
        vectors = encoder.encode_queries(missing) if kind == "query" else encoder.encode_passages(missing)
        fresh = {text_hash(kind, text): vector for text, vector in zip(missing, vectors, strict=True)}
        store_vectors(session, model=encoder.name, vectors=fresh)
        found.update(fresh)
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack([found[digest] for digest in hashes]).astype(np.float32, copy=False)


def cached_vectors(session: Session, *, model: str, hashes: list[str]) -> dict[str, npt.NDArray[np.float32]]:
    """The vectors of ``hashes`` in the cache, or computed earlier in this session and not yet inserted."""
    pending = session.info.get(_PENDING, {})
    found = {digest: pending[model, digest] for digest in hashes if (model, digest) in pending}
    unseen = [digest for digest in hashes if digest not in found]
    for start in range(0, len(unseen), _LOOKUP_CHUNK):
        chunk = unseen[start:start + _LOOKUP_CHUNK]
        rows = session.execute(select(EmbeddingCache.text_hash, EmbeddingCache.dim, EmbeddingCache.vector)
                               .where(EmbeddingCache.model == model, EmbeddingCache.text_hash.in_(chunk)))
        for digest, dim, blob in rows:
            vector = np.frombuffer(blob, dtype=np.float32)
            if vector.shape == (dim,):
                found[digest] = vector
    return found


def store_vectors(session: Session, *, model: str, vectors: dict[str, npt.NDArray[np.float32]]) -> None:
    """Kept with ``session`` and inserted when it commits (lost with a rollback: they are computed again)."""
    if not vectors:
        return
    pending: dict[tuple[str, str], npt.NDArray[np.float32]] = session.info.setdefault(_PENDING, {})
    pending.update({(model, digest): vector for digest, vector in vectors.items()})
    if not event.contains(session, "before_commit", _insert_pending):
        event.listen(session, "before_commit", _insert_pending)


def _insert_pending(session: Session) -> None:
    """Insert the session's fresh vectors, ignoring rows another process wrote first."""
    pending = session.info.pop(_PENDING, {})
    if not pending:
        return
    rows = [{"model": model, "text_hash": digest, "dim": int(vector.shape[0]),
             "vector": np.ascontiguousarray(vector, dtype=np.float32).tobytes()}
            for (model, digest), vector in pending.items()]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for start in range(0, len(rows), _LOOKUP_CHUNK):
        statement = insert(EmbeddingCache).values(rows[start:start + _LOOKUP_CHUNK])
        session.execute(statement.on_conflict_do_nothing(index_elements=["model", "text_hash"]))
