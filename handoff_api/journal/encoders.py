"""Where the journal gets its sentence encoder: the running knowledge base's, or the model on disk."""

from __future__ import annotations

from typing import Any

from guichet.settings import Settings
from knowledge_base.hashing_encoder import HashingEncoder, parse_hashing_name
from knowledge_base.types import Encoder


def encoder_of(knowledge_base: Any) -> Encoder | None:
    """The encoder the knowledge base exposes (attribute ``encoder``), if it does and is ready."""
    if knowledge_base is None or not getattr(knowledge_base, "ready", False):
        return None
    encoder = getattr(knowledge_base, "encoder", None)
    return encoder if callable(getattr(encoder, "encode_queries", None)) else None


def load_encoder(settings: Settings) -> Encoder:
    """The configured model (sentence-transformers folder, e5 "query: " prompt), or the hashing stand-in.

    Raises ``knowledge_base.encoder.ModelMissing`` (a RuntimeError) naming the folder when it is absent.
    """
    name = settings.resolved_embedding_model
    dim = parse_hashing_name(name)
    if dim is not None:
        return HashingEncoder(dim)
    from knowledge_base.encoder import SentenceTransformerEncoder  # imports torch: only when needed

    return SentenceTransformerEncoder(name, precision=settings.embedding_precision)
