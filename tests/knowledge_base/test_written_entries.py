"""One threshold says when an entry counts as written with variants."""

from __future__ import annotations

from knowledge_base.written_entries import CURATED_VARIANTS, has_variants


def test_one_or_two_confirmed_questions_leave_an_entry_bare() -> None:
    assert not has_variants(0) and not has_variants(1) and not has_variants(CURATED_VARIANTS - 1)
    assert has_variants(CURATED_VARIANTS) and has_variants(12)
