"""What a knowledge-base entry must be, checked the same way for YAML imports, the API and fiches."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from guichet.contract.departments import DEPARTMENT_LABELS
from guichet.contract.tweet_length import TWEET_LIMIT, weighted_length
from guichet.models import EntryStatus

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
REQUIRED = ("id", "question", "answer", "department")
OPTIONAL = ("url", "tags", "variants", "status", "source", "attribution", "details")
# reference text searched but never sent (a fiche's full text behind its short answer): a few pages at most
DETAILS_LIMIT = 20_000
STATUSES = (EntryStatus.PUBLISHED.value, EntryStatus.DRAFT.value)


class InvalidEntry(ValueError):
    """An entry that cannot be stored; the message names the entry, the field and the value."""


@dataclass(frozen=True)
class EntryData:
    id: str
    question: str
    answer: str
    department: str
    url: str | None = None
    tags: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    status: str = EntryStatus.PUBLISHED.value
    source: str | None = None
    attribution: str | None = None
    details: str = ""  # searched, never sent: what the entry's page says beyond its short answer

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _text(entry_id: str, name: str, value: object, *, limit: int | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidEntry(f"entry {entry_id!r}: {name} must be a non-empty string, got {value!r:.80}")
    value = value.strip()
    if limit is not None and len(value) > limit:
        raise InvalidEntry(f"entry {entry_id!r}: {name} is {len(value)} characters long, the limit is {limit}")
    return value


def _strings(entry_id: str, name: str, value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidEntry(f"entry {entry_id!r}: {name} must be a list of strings, got {value!r:.80}")
    items = [_text(entry_id, f"{name}[{index}]", item, limit=500) for index, item in enumerate(value)]
    return list(dict.fromkeys(items))


def validate_entry(raw: object, *, default_department: str | None = None,
                   departments: set[str] | None = None) -> EntryData:
    """An ``EntryData`` from a mapping (YAML or JSON), or ``InvalidEntry`` saying what is wrong."""
    if not isinstance(raw, dict):
        raise InvalidEntry(f"an entry must be a mapping with {', '.join(REQUIRED)}, got {raw!r:.80}")
    entry_id = raw.get("id")
    if not isinstance(entry_id, str) or not ID_RE.match(entry_id):
        raise InvalidEntry(f"entry id {entry_id!r}: must be 1-120 lower-case letters, digits, '.', '_' or '-'")
    unknown = sorted(set(raw) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise InvalidEntry(f"entry {entry_id!r}: unknown field(s) {', '.join(map(repr, unknown))}; "
                           f"allowed: {', '.join(REQUIRED + OPTIONAL)}")
    values = dict(raw)
    if values.get("department") is None and default_department is not None:
        values["department"] = default_department
    for name in REQUIRED[1:]:
        if values.get(name) is None:
            raise InvalidEntry(f"entry {entry_id!r}: missing field {name!r}")
    answer = _text(entry_id, "answer", values["answer"])
    length = weighted_length(answer)
    if length > TWEET_LIMIT:
        raise InvalidEntry(f"entry {entry_id!r}: answer is {length} weighted characters, the limit is {TWEET_LIMIT}")
    department = _text(entry_id, "department", values["department"])
    known = departments if departments is not None else set(DEPARTMENT_LABELS)
    if department not in known:
        raise InvalidEntry(f"entry {entry_id!r}: department {department!r} is not one of {', '.join(sorted(known))}")
    url = values.get("url")
    if url is not None:
        url = _text(entry_id, "url", url, limit=500)
        if not re.match(r"^https?://\S+$", url):
            raise InvalidEntry(f"entry {entry_id!r}: url {url!r} must be an http(s) address")
    status = values.get("status") or EntryStatus.PUBLISHED.value
    if status not in STATUSES:
        raise InvalidEntry(f"entry {entry_id!r}: status {status!r} must be one of {', '.join(STATUSES)}")
    source, attribution = values.get("source"), values.get("attribution")
    details = values.get("details")
    if details is None or (isinstance(details, str) and not details.strip()):
        details = ""  # blank: no details
    else:
        details = _text(entry_id, "details", details, limit=DETAILS_LIMIT)
    return EntryData(
        id=entry_id, question=_text(entry_id, "question", values["question"], limit=500), answer=answer,
        department=department, url=url, tags=_strings(entry_id, "tags", values.get("tags")),
        variants=_strings(entry_id, "variants", values.get("variants")), status=status,
        source=None if source is None else _text(entry_id, "source", source, limit=200),
        attribution=None if attribution is None else _text(entry_id, "attribution", attribution, limit=300),
        details=details,
    )
