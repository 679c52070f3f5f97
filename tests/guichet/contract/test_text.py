"""One accent folding for every process: the knowledge base and the action server compare words alike."""

from __future__ import annotations

from actions.text_utils import normalize, words
from guichet.contract.text import fold
from knowledge_base.text import words as kb_words


def test_accents_and_ligatures_fold_the_same_way_everywhere() -> None:
    assert fold("Élections, Œuvre") == "elections, oeuvre"
    assert normalize("L’Œuvre d’Émile") == "l oeuvre d emile"
    assert words("Cœur ÉTÉ") == kb_words("Cœur ÉTÉ") == ["coeur", "ete"]
