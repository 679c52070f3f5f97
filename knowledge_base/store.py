"""Knowledge-base entries in the database: every change leaves a revision (who, when, before, after)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from guichet.contract.departments import DEPARTMENT_LABELS
from guichet.crud.conversations import NotFound
from guichet.crud.handoffs import Conflict
from guichet.models import Department, EntryStatus, KBEntry, KBRevision, utcnow
from knowledge_base.placeholders import is_unfilled
from knowledge_base.validation import EntryData

CONTENT_FIELDS = ("question", "answer", "department", "url", "tags", "variants", "status", "source", "attribution",
                  "details")


def entry_data(entry: KBEntry) -> EntryData:
    return EntryData(id=entry.id, question=entry.question, answer=entry.answer, department=entry.department,
                     url=entry.url, tags=list(entry.tags or []), variants=list(entry.variants or []),
                     status=entry.status, source=entry.source, attribution=entry.attribution,
                     details=entry.details or "")


def snapshot(entry: KBEntry) -> dict[str, Any]:
    return {**entry_data(entry).as_dict(), "version": entry.version}


def known_departments(session: Session) -> set[str]:
    return set(DEPARTMENT_LABELS) | set(session.scalars(select(Department.slug)))


def get_entry(session: Session, *, entry_id: str, include_deleted: bool = True) -> KBEntry:
    entry = session.get(KBEntry, entry_id)
    if entry is None or (not include_deleted and entry.status == EntryStatus.DELETED.value):
        raise NotFound(f"knowledge-base entry {entry_id!r} does not exist")
    return entry


def unfilled_entry_ids(session: Session) -> list[str]:
    """Entries (published or draft) whose answer still holds a ``{{à compléter : ...}}`` placeholder."""
    rows = session.execute(select(KBEntry.id, KBEntry.answer).where(
        KBEntry.status != EntryStatus.DELETED.value, KBEntry.answer.contains("{{")).order_by(KBEntry.id))
    return [entry_id for entry_id, answer in rows if is_unfilled(answer)]


def count_entries(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(KBEntry)) or 0)


def list_entries(session: Session, *, q: str | None = None, department: str | None = None,
                 status: str | None = None, tag: str | None = None, offset: int = 0,
                 limit: int = 50) -> tuple[list[KBEntry], int]:
    """One page of entries (newest change first) and how many match in all; deleted ones only if asked."""
    query = select(KBEntry)
    if status is not None:
        query = query.where(KBEntry.status == status)
    else:
        query = query.where(KBEntry.status != EntryStatus.DELETED.value)
    if department is not None:
        query = query.where(KBEntry.department == department)
    if q:
        pattern = f"%{q.strip()}%"
        query = query.where(or_(KBEntry.id.ilike(pattern), KBEntry.question.ilike(pattern),
                                KBEntry.answer.ilike(pattern)))
    entries = list(session.scalars(query.order_by(KBEntry.updated_at.desc(), KBEntry.id)))
    if tag is not None:  # tags are a JSON list: filtered here, the same on SQLite and PostgreSQL
        entries = [entry for entry in entries if tag in (entry.tags or [])]
    return entries[offset:offset + limit], len(entries)


def published_entries(session: Session, *, entry_ids: list[str] | None = None) -> list[KBEntry]:
    query = select(KBEntry).where(KBEntry.status == EntryStatus.PUBLISHED.value)
    if entry_ids is not None:
        query = query.where(KBEntry.id.in_(entry_ids))
    return list(session.scalars(query.order_by(KBEntry.id)))


def revisions(session: Session, *, entry_id: str) -> list[KBRevision]:
    get_entry(session, entry_id=entry_id)
    return list(session.scalars(select(KBRevision).where(KBRevision.entry_id == entry_id).order_by(KBRevision.id)))


def _record(session: Session, *, entry: KBEntry, actor: str, action: str, before: dict[str, Any] | None) -> None:
    session.add(KBRevision(entry_id=entry.id, actor=actor, action=action, before=before, after=snapshot(entry)))
    session.flush()


def _apply(entry: KBEntry, data: EntryData) -> bool:
    changed = False
    for name in CONTENT_FIELDS:
        value = getattr(data, name)
        if getattr(entry, name) != value:
            setattr(entry, name, list(value) if isinstance(value, list) else value)
            changed = True
    if changed:
        entry.version += 1
        entry.updated_at = utcnow()
    return changed


def create_entry(session: Session, *, data: EntryData, actor: str) -> KBEntry:
    """A new entry; an id already in use is a ``Conflict`` (a deleted entry's id is taken over)."""
    existing = session.get(KBEntry, data.id)
    if existing is not None and existing.status != EntryStatus.DELETED.value:
        raise Conflict(f"knowledge-base entry {data.id!r} already exists")
    if existing is not None:
        before = snapshot(existing)
        _apply(existing, data)
        _record(session, entry=existing, actor=actor, action="create", before=before)
        return existing
    entry = KBEntry(id=data.id, question=data.question, answer=data.answer, department=data.department,
                    url=data.url, tags=list(data.tags), variants=list(data.variants), status=data.status,
                    source=data.source, attribution=data.attribution, details=data.details, version=1)
    session.add(entry)
    session.flush()
    _record(session, entry=entry, actor=actor, action="create", before=None)
    return entry


def update_entry(session: Session, *, data: EntryData, actor: str, action: str = "update") -> tuple[KBEntry, bool]:
    """Replace an entry's content (restoring it if deleted); returns it and whether anything changed."""
    entry = get_entry(session, entry_id=data.id)
    before = snapshot(entry)
    changed = _apply(entry, data)
    if changed:
        _record(session, entry=entry, actor=actor, action=action, before=before)
    return entry, changed


def upsert_entry(session: Session, *, data: EntryData, actor: str) -> str:
    """Create or update by id, as an import does: "created", "updated" or "unchanged"."""
    if session.get(KBEntry, data.id) is None:
        create_entry(session, data=data, actor=actor)
        return "created"
    return "updated" if update_entry(session, data=data, actor=actor, action="import")[1] else "unchanged"


def _set_status(session: Session, *, entry_id: str, actor: str, status: EntryStatus, action: str) -> KBEntry:
    entry = get_entry(session, entry_id=entry_id, include_deleted=False)
    before = snapshot(entry)
    if entry.status != status.value:
        entry.status = status.value
        entry.version += 1
        entry.updated_at = utcnow()
        _record(session, entry=entry, actor=actor, action=action, before=before)
    return entry


def delete_entry(session: Session, *, entry_id: str, actor: str) -> KBEntry:
    """Soft delete: the entry and its revisions stay, it is no longer searched nor exported."""
    return _set_status(session, entry_id=entry_id, actor=actor, status=EntryStatus.DELETED, action="delete")


def publish_entry(session: Session, *, entry_id: str, actor: str) -> KBEntry:
    return _set_status(session, entry_id=entry_id, actor=actor, status=EntryStatus.PUBLISHED, action="publish")
