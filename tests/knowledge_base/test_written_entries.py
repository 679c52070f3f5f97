"""One threshold says when an entry counts as written with variants."""

from __future__ import annotations

from knowledge_base.validation import EntryData
from knowledge_base.written_entries import CURATED_VARIANTS, has_variants, scored_bare


def test_one_or_two_confirmed_questions_leave_an_entry_bare() -> None:
    assert not has_variants(0) and not has_variants(1) and not has_variants(CURATED_VARIANTS - 1)
    assert has_variants(CURATED_VARIANTS) and has_variants(12)


def entry(variants: int, *, source: str | None = None) -> EntryData:
    return EntryData(id="e", question="Question ?", answer="Réponse.", department="accueil", source=source,
                     variants=[f"variante {n}" for n in range(variants)])


def test_a_fiche_stays_scored_bare_until_it_is_written() -> None:
    fiche = "service-public.fr:F2931"
    assert scored_bare(entry(0)) and scored_bare(entry(0, source=fiche))
    assert scored_bare(entry(1, source=fiche)) and scored_bare(entry(CURATED_VARIANTS - 1, source=fiche))
    assert not scored_bare(entry(CURATED_VARIANTS, source=fiche))
    assert not scored_bare(entry(1)) and not scored_bare(entry(CURATED_VARIANTS))  # the city's own entries
