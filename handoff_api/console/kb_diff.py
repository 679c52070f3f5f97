"""What a knowledge-base revision changed, field by field, as a word diff (difflib) ready to show."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from guichet.models import KBRevision
from handoff_api.console.templating import ENTRY_STATUS_FR

SHOWN_FIELDS = (("question", "Question"), ("answer", "Réponse"), ("department", "Service"), ("url", "Lien"),
                ("tags", "Mots-clés"), ("variants", "Variantes"), ("details", "Texte de référence"),
                ("status", "Statut"))
ACTION_FR = {"create": "création", "update": "modification", "publish": "publication", "delete": "suppression",
             "import": "import"}


@dataclass(frozen=True)
class Segment:
    op: str  # "same", "del" or "ins"
    text: str


@dataclass(frozen=True)
class FieldChange:
    label: str
    segments: list[Segment]


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " · ".join(str(item) for item in value)
    return str(value)


def word_diff(before: str, after: str) -> list[Segment]:
    """Words kept, removed and added, in order; whitespace stays attached to the words around it."""
    old, new = re.split(r"(\s+)", before), re.split(r"(\s+)", after)
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            segments.append(Segment("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("del", "".join(old[i1:i2])))
        if j2 > j1:
            segments.append(Segment("ins", "".join(new[j1:j2])))
    return [segment for segment in segments if segment.text]


def revision_changes(revision: KBRevision) -> list[FieldChange]:
    before = revision.before or {}
    after = revision.after or {}
    changes = []
    for name, label in SHOWN_FIELDS:
        old, new = as_text(before.get(name)), as_text(after.get(name))
        if name == "status":
            old, new = ENTRY_STATUS_FR.get(old, old), ENTRY_STATUS_FR.get(new, new)
        if old != new:
            changes.append(FieldChange(label, word_diff(old, new)))
    return changes
