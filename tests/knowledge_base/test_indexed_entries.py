"""The published entries as a search reads them: the key-term conflict reads only an entry written with variants."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.indexed_entries import IndexedEntries
from knowledge_base.pages_elsewhere import PagesElsewhere
from knowledge_base.ranking import FusionConfig, HybridIndex, Ranked
from knowledge_base.validation import EntryData
from knowledge_base.written_entries import CURATED_VARIANTS

ASKED = "la mairie est ouverte le samedi ?"


def indexed(library_variants: int) -> IndexedEntries:
    """The libraries' hours (with ``library_variants`` variants) beside the town hall's hours."""
    entries = IndexedEntries(HybridIndex(3, FusionConfig(hub_weight=0.0)), pages_elsewhere=PagesElsewhere())
    library = EntryData(id="bibliotheques-horaires", question="Quels sont les horaires des bibliothèques ?",
                        answer="Du mardi au samedi.", department="culture",
                        variants=[f"bibliothèque ouverte quand ({n}) ?" for n in range(library_variants)])
    town_hall = EntryData(id="mairie-horaires", question="Quels sont les horaires de la mairie ?",
                          answer="Du lundi au vendredi.", department="accueil")
    for entry in (library, town_hall):
        keys = np.ones((1 + len(entry.variants), 3), dtype=np.float32) / np.sqrt(3)
        entries.put(entry, keys, np.ones((1, 3), dtype=np.float32) / np.sqrt(3))
    return entries


RANKED = [Ranked("bibliotheques-horaires", 0.9, 0.9, 0.0), Ranked("mairie-horaires", 0.85, 0.85, 0.0)]


@pytest.mark.parametrize("variants", [0, 1, CURATED_VARIANTS - 1])
def test_an_entry_with_one_or_two_confirmed_questions_is_not_read_for_conflicts(variants: int) -> None:
    assert indexed(variants).conflict(ASKED, RANKED, candidates=3, rarest=2) is None


def test_an_entry_written_with_variants_is() -> None:
    assert (indexed(CURATED_VARIANTS).conflict(ASKED, RANKED, candidates=3, rarest=2) or "").startswith("mairi")
