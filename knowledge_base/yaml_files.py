"""YAML files <-> the store: import (upsert by id, one file at a time, all or nothing) and export.

Import format: a mapping with ``entries:`` (a list of entries, see ``validation``) and optionally
``department:``, the default for entries that do not name one. A file with any problem is refused
whole, with the file, the entry id and the reason; the other files of a folder still go in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from guichet.models import EntryStatus, KBEntry
from knowledge_base import store
from knowledge_base.validation import EntryData, InvalidEntry, validate_entry

YAML_SUFFIXES = (".yml", ".yaml")


@dataclass
class FileReport:
    path: Path
    error: str | None = None
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.files) and all(report.error is None for report in self.files)

    @property
    def changed(self) -> list[str]:
        return [entry_id for report in self.files for entry_id in (*report.created, *report.updated)]

    def lines(self) -> list[str]:
        out = []
        for report in self.files:
            if report.error is not None:
                out.append(f"refused {report.path}: {report.error}")
            else:
                out.append(f"imported {report.path}: {len(report.created)} created, {len(report.updated)} updated, "
                           f"{len(report.unchanged)} unchanged")
        return out


def yaml_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
    if path.is_file():
        return [path]
    raise FileNotFoundError(f"import path {str(path)!r} does not exist")


def read_entries(path: Path, *, departments: set[str]) -> list[EntryData]:
    """Every entry of one file, validated; ``InvalidEntry`` names the first problem."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise InvalidEntry(f"invalid YAML{where}: {error.problem}") from error
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise InvalidEntry(f"invalid YAML: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise InvalidEntry("the file must be a mapping with an 'entries:' list")
    default = document.get("department")
    if default is not None and not isinstance(default, str):
        raise InvalidEntry(f"top-level department must be a string, got {default!r:.80}")
    entries: list[EntryData] = []
    seen: set[str] = set()
    for index, raw in enumerate(document["entries"]):
        try:
            entry = validate_entry(raw, default_department=default, departments=departments)
        except InvalidEntry as error:
            raise InvalidEntry(f"entries[{index}]: {error}") from error
        if entry.id in seen:
            raise InvalidEntry(f"entries[{index}]: entry {entry.id!r}: duplicate id in this file")
        seen.add(entry.id)
        entries.append(entry)
    return entries


def import_path(factory: sessionmaker[Session], path: Path, *, actor: str,
                before_writing: Callable[[Session, list[EntryData]], None] | None = None) -> ImportReport:
    """Import a file or a folder of files; each file is stored in its own transaction or not at all.

    ``before_writing`` runs in that transaction with the file's entries before any of them is written (to compute
    and cache their vectors: on SQLite a write would hold the file's lock while the model encodes, and every writer
    of the running application would wait); if it fails the file is refused like an invalid one.
    """
    report = ImportReport()
    owners: dict[str, Path] = {}
    for file in yaml_files(Path(path)):
        file_report = FileReport(path=file)
        report.files.append(file_report)
        try:
            with session_scope(factory) as session:
                entries = read_entries(file, departments=store.known_departments(session))
                for entry in entries:
                    if entry.id in owners:
                        raise InvalidEntry(f"entry {entry.id!r}: duplicate id, already in {owners[entry.id]}")
                if before_writing is not None and entries:
                    before_writing(session, entries)
                for entry in entries:
                    outcome = store.upsert_entry(session, data=entry, actor=actor)
                    getattr(file_report, outcome).append(entry.id)
        except InvalidEntry as error:
            file_report.error = str(error)
            file_report.created, file_report.updated, file_report.unchanged = [], [], []
            continue
        owners.update(dict.fromkeys([*file_report.created, *file_report.updated, *file_report.unchanged], file))
    return report


def _entry_yaml(data: EntryData) -> dict[str, Any]:
    out: dict[str, Any] = {"id": data.id, "question": data.question, "answer": data.answer,
                           "department": data.department}
    for name in ("url", "tags", "variants"):
        if getattr(data, name):
            out[name] = getattr(data, name)
    if data.status != EntryStatus.PUBLISHED.value:
        out["status"] = data.status
    for name in ("source", "attribution"):
        if getattr(data, name) is not None:
            out[name] = getattr(data, name)
    if data.details:
        out["details"] = data.details
    return out


def dump(entries: list[EntryData], *, department: str | None = None) -> str:
    document: dict[str, Any] = {"department": department} if department else {}
    document["entries"] = [_entry_yaml(entry) for entry in entries]
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=10_000)


def export_path(session: Session, path: Path) -> list[Path]:
    """Every entry not deleted, to one ``.yml`` file, or to a folder with one file per department."""
    entries = [store.entry_data(entry) for entry in session.query(KBEntry).order_by(KBEntry.id)
               if entry.status != EntryStatus.DELETED.value]
    path = Path(path)
    if path.suffix in YAML_SUFFIXES:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(entries), encoding="utf-8")
        return [path]
    path.mkdir(parents=True, exist_ok=True)
    written = []
    for department in sorted({entry.department for entry in entries}):
        file = path / f"{department}.yml"
        file.write_text(dump([e for e in entries if e.department == department], department=department),
                        encoding="utf-8")
        written.append(file)
    return written
