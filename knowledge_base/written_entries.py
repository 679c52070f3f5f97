"""When an entry counts as written with variants: one threshold for every part of the search that treats the two
kinds apart.

An entry written with a dozen ways of asking scores on another scale than a fiche with its question alone, and says
more about what it covers. An imported fiche with one or two citizen questions confirmed from the training inbox,
or an entry an editor made from the inbox with the citizen's words as its one variant, still scores and reads like
a bare one. Four places ask:

- ``adaptive.default_rule``: which default rule a knowledge base gets (``DEFAULT_RULE`` was fitted on entries
  written with 8 to 12 variants each; with it, confirming one question per imported fiche cost 14 points of
  coverage on other questions: docs/training-inbox.md);
- ``ranking.HybridIndex``: whether entries of several scales are indexed together (the key-count penalty);
- ``indexed_entries.IndexedEntries.conflict``: the key-term conflict reads only a first entry written with variants;
- ``pages_elsewhere.kind_of``: which lead the pages check asks.
"""

from __future__ import annotations

CURATED_VARIANTS = 3


def has_variants(variants: int) -> bool:
    """Whether an entry with this many variants counts as written with variants."""
    return variants >= CURATED_VARIANTS
