"""Is the message nearer a Service-public.fr page the knowledge base does not hold than its first entry?

A near miss sits beside an entry: the citizen asks for the end-of-contract bonus beside the imported fiche on a
fixed-term contract's paid holidays, for a volunteer firefighter's enrolment beside the town hall's entry on poll
clerks. The national site has a page on what the citizen asks (``national_pages``); when that page, one the
knowledge base does not hold (imported, or named by an entry's link), is nearer the message than the first entry
(e5 "passage: " cosines: the page's title and summary, the entry's whole passage), by a lead, the message asks about
that page's subject, and is offered the choices rather than answered (``decision.settled``). Two leads, because the
two kinds of entry have passages of another kind:

- **bare**: an entry imported from Service-public.fr with fewer than ``CURATED_VARIANTS`` variants (question,
  answer and the fiche's text, like the pages themselves): ``Signals.elsewhere``, ``decision.ELSEWHERE_LEAD``;
- **written**: an entry with variants, whoever wrote it (its passage mixes a dozen wordings with its answer, and
  sits further from any page): ``Signals.elsewhere_written``, ``decision.ELSEWHERE_WRITTEN_LEAD``.

A city's own entry without variants is not checked: nothing was measured for it.
"""

from __future__ import annotations

import logging
import threading
from enum import Enum
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from knowledge_base.decision import Thresholds
from knowledge_base.national_pages import NationalPages, Page, fiche_of, pages_of
from knowledge_base.page_vectors import national_pages
from knowledge_base.types import Encoder, PageElsewhere
from knowledge_base.validation import EntryData
from knowledge_base.written_entries import has_variants

Vectors = npt.NDArray[np.float32]
log = logging.getLogger("guichet.kb")


class EntryKind(Enum):
    BARE = "bare"  # imported from Service-public.fr, fewer than CURATED_VARIANTS variants
    WRITTEN = "written"  # with variants


Elsewhere = tuple[EntryKind, float, Page]  # the first entry's kind, the page's lead over it, the page


def lead_asked(kind: EntryKind, thresholds: Thresholds) -> float:
    """The lead the decision asks of a page over a first entry of this kind."""
    return thresholds.elsewhere_written_lead if kind is EntryKind.WRITTEN else thresholds.elsewhere_lead


def held_back(away: Elsewhere | None, thresholds: Thresholds) -> PageElsewhere | None:
    """The page that keeps the message from an automatic answer, if its lead is the one ``thresholds`` ask."""
    if away is None:
        return None
    kind, lead, page = away
    if lead < lead_asked(kind, thresholds):
        return None
    return PageElsewhere(id=page.id, title=page.title, url=page.url, lead=round(lead, 4))


def kind_of(entry: EntryData) -> EntryKind | None:
    """Which lead the check asks of a message whose first entry is ``entry``; None: not checked."""
    if has_variants(len(entry.variants)):
        return EntryKind.WRITTEN
    return EntryKind.BARE if fiche_of(entry) is not None else None


class PagesElsewhere:
    """The indexed entries that are checked and the pages they hold; the national pages, loaded once one is."""

    def __init__(self, *, folder: Path | None = None) -> None:
        self.folder = folder  # the model's, where ``guichet model pages`` wrote the pages' vectors
        self._held: dict[str, frozenset[str]] = {}  # entry id -> the pages it holds
        self._kinds: dict[str, EntryKind] = {}  # entry id -> its kind, for the entries that are checked
        self.pages: NationalPages | None = None
        self._mask: npt.NDArray[np.bool_] | None = None  # the pages held, recomputed after a change
        self._starting = threading.Lock()
        self._loader: threading.Thread | None = None

    def put(self, entry: EntryData) -> None:
        held = frozenset(pages_of(entry))
        if self._held.get(entry.id, frozenset()) != held:
            self._mask = None
        if held:
            self._held[entry.id] = held
        else:
            self._held.pop(entry.id, None)
        kind = kind_of(entry)
        if kind is None:
            self._kinds.pop(entry.id, None)
        else:
            self._kinds[entry.id] = kind

    def remove(self, entry_id: str) -> None:
        if self._held.pop(entry_id, None) is not None:
            self._mask = None
        self._kinds.pop(entry_id, None)

    @property
    def needs_pages(self) -> bool:
        return bool(self._kinds) and self.pages is None

    def load_pages(self, session: Session, *, encoder: Encoder) -> None:
        """The pages and their vectors, the first time an entry that is checked is indexed."""
        if self.needs_pages:
            self.pages = national_pages(session, encoder=encoder, folder=self.folder)

    def load_pages_later(self, factory: sessionmaker[Session], *, encoder: Encoder) -> threading.Thread | None:
        """``load_pages`` in a background thread, for an entry indexed while the application runs: an editor's save
        must not wait for the pages' first encoding (about two minutes on two cores when they were not computed
        beside the model); until they are loaded, messages are decided without the check."""
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
        except Exception:  # the check stays off; the next indexed entry tries again
            log.exception("knowledge base: loading Service-public.fr's pages failed")

    def elsewhere(self, entry: EntryData, query: Vectors, passage: Vectors | None) -> Elsewhere | None:
        """For a first ``entry`` that is checked: its kind, how much nearer ``query`` the nearest page the knowledge
        base does not hold is than the entry's ``passage``, and that page."""
        kind = self._kinds.get(entry.id)
        if self.pages is None or passage is None or kind is None:
            return None
        if self._mask is None:
            mask = np.zeros(len(self.pages.vectors), dtype=bool)
            mask[self.pages.rows(sorted(set().union(*self._held.values())))] = True
            self._mask = mask
        found = self.pages.elsewhere(query, entry_cosine=float(passage @ query), held=self._mask)
        return None if found is None else (kind, found[0], found[1])
