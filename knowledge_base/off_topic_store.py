"""The off-topic examples in the database: every change leaves a revision (who, when, before, after).

The list starts as knowledge_base/off_topic.yml (``seed_off_topic``, when the table is empty); editors
then add, change and delete examples in the console, and mark citizens' questions out of scope in the training
inbox (``OffTopicSource.INBOX``: see ``off_topic.Listed``). Deleting keeps the row and its revisions.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from guichet.crud.conversations import NotFound
from guichet.models import EntryStatus, OffTopicExample, OffTopicRevision, OffTopicSource, utcnow
from knowledge_base.off_topic import OFF_TOPIC_PATH, Listed, off_topic_examples

MAX_TEXT = 500
MAX_KIND = 40


class InvalidExample(ValueError):
    """An example that cannot be stored; the message names the field and the value."""


def _snapshot(example: OffTopicExample) -> dict[str, Any]:
    return {"text": example.text, "kind": example.kind, "source": example.source, "status": example.status,
            "version": example.version}


def _record(session: Session, example: OffTopicExample, *, actor: str, action: str,
            before: dict[str, Any] | None) -> None:
    session.add(OffTopicRevision(example_id=example.id, actor=actor, action=action, before=before,
                                 after=_snapshot(example)))
    session.flush()


def _checked(text: object, kind: object) -> tuple[str, str]:
    if not isinstance(text, str) or not text.strip():
        raise InvalidExample(f"off-topic example text must be a non-empty string, got {text!r:.80}")
    if len(text.strip()) > MAX_TEXT:
        raise InvalidExample(f"off-topic example text is {len(text.strip())} characters long, the limit is {MAX_TEXT}")
    if not isinstance(kind, str) or not kind.strip() or len(kind.strip()) > MAX_KIND:
        raise InvalidExample(f"off-topic example kind {kind!r:.80} must be 1-{MAX_KIND} characters")
    return " ".join(text.split()), kind.strip()


def seed_off_topic(session: Session, *, actor: str = "seed") -> int:
    """Copy the shipped examples into an empty table; returns how many were added."""
    if session.scalar(select(func.count()).select_from(OffTopicExample)):
        return 0
    examples = off_topic_examples(OFF_TOPIC_PATH)
    for kind, text in examples:
        create_example(session, text=text, kind=kind, actor=actor)
    return len(examples)


def live_examples(session: Session) -> list[OffTopicExample]:
    return list(session.scalars(select(OffTopicExample).where(OffTopicExample.status != EntryStatus.DELETED.value)
                                .order_by(OffTopicExample.kind, OffTopicExample.id)))


def live_texts(session: Session) -> list[str]:
    return [example.text for example in live_examples(session)]


def live_listed(session: Session) -> Listed:
    examples = live_examples(session)
    return Listed([example.text for example in examples],
                  [example.source == OffTopicSource.INBOX.value for example in examples])


def get_example(session: Session, *, example_id: int) -> OffTopicExample:
    example = session.get(OffTopicExample, example_id)
    if example is None:
        raise NotFound(f"off-topic example {example_id} does not exist")
    return example


def create_example(session: Session, *, text: str, kind: str, actor: str,
                   source: OffTopicSource = OffTopicSource.LIST) -> OffTopicExample:
    text, kind = _checked(text, kind)
    example = OffTopicExample(text=text, kind=kind, source=source.value, status=EntryStatus.PUBLISHED.value, version=1)
    session.add(example)
    session.flush()
    _record(session, example, actor=actor, action="create", before=None)
    return example


def update_example(session: Session, *, example_id: int, text: str, kind: str, actor: str) -> OffTopicExample:
    text, kind = _checked(text, kind)
    example = get_example(session, example_id=example_id)
    if (example.text, example.kind, example.status) != (text, kind, EntryStatus.PUBLISHED.value):
        before = _snapshot(example)
        example.text, example.kind, example.status = text, kind, EntryStatus.PUBLISHED.value
        example.version += 1
        example.updated_at = utcnow()
        _record(session, example, actor=actor, action="update", before=before)
    return example


def delete_example(session: Session, *, example_id: int, actor: str) -> OffTopicExample:
    example = get_example(session, example_id=example_id)
    if example.status != EntryStatus.DELETED.value:
        before = _snapshot(example)
        example.status = EntryStatus.DELETED.value
        example.version += 1
        example.updated_at = utcnow()
        _record(session, example, actor=actor, action="delete", before=before)
    return example


def example_revisions(session: Session, *, example_id: int) -> list[OffTopicRevision]:
    get_example(session, example_id=example_id)
    return list(session.scalars(select(OffTopicRevision).where(OffTopicRevision.example_id == example_id)
                                .order_by(OffTopicRevision.id)))


def watermark(session: Session) -> tuple[int, Any]:
    """Changes anywhere in the list move this (count, latest change)."""
    count, latest = session.execute(select(func.count(), func.max(OffTopicExample.updated_at))).one()
    return int(count), latest
