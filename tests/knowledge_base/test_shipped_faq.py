"""The shipped FAQ: every file imports, ids are unique, and the unfilled entries are the documented ones."""

from __future__ import annotations

import re

from guichet.contract.departments import DEPARTMENT_LABELS
from guichet.settings import PROJECT_ROOT
from knowledge_base.placeholders import is_unfilled
from knowledge_base.validation import EntryData
from knowledge_base.yaml_files import read_entries

FAQ = PROJECT_ROOT / "knowledge_base" / "faq"


def shipped() -> list[EntryData]:
    departments = set(DEPARTMENT_LABELS)
    return [entry for path in sorted(FAQ.glob("*.yml")) for entry in read_entries(path, departments=departments)]


def test_every_entry_is_valid_unique_and_has_citizen_variants() -> None:
    entries = shipped()
    ids = [entry.id for entry in entries]
    assert len(ids) == len(set(ids)) and len(ids) >= 190
    assert [entry.id for entry in entries if len(entry.variants) < 5] == []


def test_the_unfilled_entries_are_the_ones_the_documentation_lists() -> None:
    documented = (PROJECT_ROOT / "docs" / "faq-day-one.md").read_text(encoding="utf-8")
    section = documented.split("## Placeholders", 1)[1].split("##", 1)[0]
    listed = set(re.findall(r"`([a-z0-9-]+)`", section.split("is *unfilled*")[0]))
    assert {entry.id for entry in shipped() if is_unfilled(entry.answer)} == listed
