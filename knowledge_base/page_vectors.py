"""The e5 vectors of Service-public.fr's pages (``national_pages``): computed once beside the model, else cached.

Encoding the 3,534 pages takes about two minutes on two cores. ``guichet model pages`` (run by ``make install``
after the model's conversion) writes them beside the model, in ``PAGES_FILE``, stamped with the model's name and
the pages file's digest; a process reads them from there. For another model, or another pages file, the stamp does
not match: the vectors come from the database's embedding cache and are encoded once where missing (logged). Either
way they are kept for the process, per model and pages file.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session

from knowledge_base.embedding_cache import embed
from knowledge_base.national_pages import PAGES_PATH, NationalPages, read_pages
from knowledge_base.types import Encoder

PAGES_FILE = "guichet-national-pages.npz"  # beside a converted model
log = logging.getLogger("guichet.kb")

_loaded: dict[tuple[str, Path], NationalPages] = {}
_loading = threading.Lock()


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_page_vectors(folder: Path, *, encoder: Encoder, path: Path = PAGES_PATH) -> Path:
    """Encode the pages with ``encoder`` (the model in ``folder``) and write them beside it."""
    pages = read_pages(path)
    vectors = encoder.encode_passages([page.text for page in pages]).astype(np.float32)
    target = Path(folder) / PAGES_FILE
    partial = target.with_suffix(".partial.npz")
    np.savez(partial, vectors=vectors, model=np.array(encoder.name), pages=np.array(digest(path)))
    partial.replace(target)
    return target


def precomputed(folder: Path | None, *, encoder: Encoder, path: Path, count: int) -> np.ndarray | None:
    """The vectors written beside the model in ``folder``, when they are this model's for this pages file."""
    if folder is None or not (Path(folder) / PAGES_FILE).is_file():
        return None
    with np.load(Path(folder) / PAGES_FILE) as stored:
        model, pages, vectors = str(stored["model"]), str(stored["pages"]), stored["vectors"]
    expected = digest(path)
    if model != encoder.name or pages != expected or vectors.shape[0] != count:
        log.warning("knowledge base: %s is for model %r and pages %s (%d vectors), not %r and %s (%d pages): the "
                    "pages are encoded instead", Path(folder) / PAGES_FILE, model, pages[:12], vectors.shape[0],
                    encoder.name, expected[:12], count)
        return None
    return np.asarray(vectors, dtype=np.float32)


def national_pages(session: Session, *, encoder: Encoder, folder: Path | None = None,
                   path: Path = PAGES_PATH) -> NationalPages:
    """The shipped pages with their vectors: written beside the model (``folder``), else from the database's
    embedding cache, encoded once where missing; kept for the process (per model and pages file)."""
    key = (encoder.name, Path(path).resolve())
    with _loading:
        if key not in _loaded:
            pages = read_pages(path)
            vectors = precomputed(folder, encoder=encoder, path=path, count=len(pages))
            if vectors is None:
                log.info("knowledge base: encoding or reading %d Service-public.fr pages for %s", len(pages),
                         encoder.name)
                vectors = embed(session, encoder=encoder, kind="passage", texts=[page.text for page in pages])
            _loaded[key] = NationalPages(pages, vectors)
        return _loaded[key]
