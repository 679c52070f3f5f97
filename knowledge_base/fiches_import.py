"""Store Service-public.fr fiches as draft entries; an editor reviews and publishes them.

A fiche already imported is refreshed while it is still a draft; once an editor published (or
deleted) it, a new import leaves it alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from guichet.models import EntryStatus, KBEntry
from knowledge_base import store
from knowledge_base.fiches import read_fiches, to_entry
from knowledge_base.validation import EntryData, InvalidEntry, validate_entry


@dataclass
class FichesReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"fiches: {len(self.created)} draft entries created, {len(self.updated)} updated, "
               f"{len(self.kept)} left as edited (published or deleted), {self.skipped} files not question-answer"]
        out.extend(f"refused {error}" for error in self.errors)
        return out


def import_fiches(factory: sessionmaker[Session], path: Path, *, department: str = "accueil", actor: str = "fiches",
                  before_writing: Callable[[Session, list[EntryData]], None] | None = None) -> FichesReport:
    report = FichesReport()
    with session_scope(factory) as session:
        departments = store.known_departments(session)
        if department not in departments:
            raise InvalidEntry(f"department {department!r} is not one of {', '.join(sorted(departments))}")
        to_write: list[EntryData] = []
        for name, fiche, error in read_fiches(Path(path)):
            if error is not None:
                report.errors.append(f"{name}: {error}")
                continue
            if fiche is None:
                report.skipped += 1
                continue
            try:
                entry = validate_entry(to_entry(fiche, department=department).as_dict(), departments=departments)
            except InvalidEntry as invalid:
                report.errors.append(f"{name}: {invalid}")
                continue
            existing = session.get(KBEntry, entry.id)
            if existing is not None and existing.status != EntryStatus.DRAFT.value:
                report.kept.append(entry.id)
                continue
            to_write.append(entry)
        if before_writing is not None and to_write:
            before_writing(session, to_write)  # the vectors first: no write lock held while the model encodes
        for entry in to_write:
            outcome = store.upsert_entry(session, data=entry, actor=actor)
            if outcome == "created":
                report.created.append(entry.id)
            elif outcome == "updated":
                report.updated.append(entry.id)
    return report
