"""When an entry counts as written with variants: one threshold for every part of the search that treats the two
kinds apart.

An entry written with a dozen ways of asking scores on another scale than a fiche with its question alone, and says
more about what it covers. An imported fiche with one or two citizen questions confirmed from the training inbox,
or an entry an editor made from the inbox with the citizen's words as its one variant, still says as little as a
bare one. Three places ask:

- ``adaptive.default_rule``: which default rule a knowledge base gets (``DEFAULT_RULE`` was fitted on entries
  written with 8 to 12 variants each; with it, confirming one question per imported fiche cost 14 points of
  coverage on other questions: docs/training-inbox.md);
- ``indexed_entries.IndexedEntries.conflict``: the key-term conflict reads only a first entry written with variants
  ("it never mentions that word" means little of a fiche's question, answer and one citizen's wording);
- ``pages_elsewhere.kind_of``: which lead the pages check asks.

The ranking's key-count penalty (``ranking``) holds while entries scored as bare sit among the others
(``scored_bare``): an entry without variants, or an imported fiche the inbox taught fewer than ``CURATED_VARIANTS``
citizen questions. A fiche stays a fiche until it is written: without that, once the inbox had taught every fiche
of a city's FAQ one question, the penalty went off and the fiches beside the shipped FAQ lost their rank
(docs/training-inbox.md). The city's own entry made from the inbox with one variant does not turn it on: the penalty
reorders the written entries among themselves, which costs the city's own questions (docs/training-inbox.md).
While it holds, the entries written with variants (a question and ``CURATED_VARIANTS`` variants or more) all count
the median of their keys (``dense.DenseIndex.counted_keys``), so a bare entry's arrival lowers them alike.
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt

from knowledge_base.national_pages import fiche_of
from knowledge_base.validation import EntryData

CURATED_VARIANTS = 3


@overload
def has_variants(variants: int) -> bool: ...


@overload
def has_variants(variants: npt.NDArray[np.float32]) -> npt.NDArray[np.bool_]: ...


def has_variants(variants: int | npt.NDArray[np.float32]) -> bool | npt.NDArray[np.bool_]:
    """Whether an entry with this many variants counts as written with variants (one count, or an array of them)."""
    return variants >= CURATED_VARIANTS


def scored_bare(entry: EntryData) -> bool:
    """Whether the ranking scores ``entry`` as an entry without variants: it has none, or it is an imported fiche
    with fewer than ``CURATED_VARIANTS``."""
    return not entry.variants or (fiche_of(entry) is not None and not has_variants(len(entry.variants)))
