from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.abbreviations import expand
from knowledge_base.lexical import LexicalIndex
from knowledge_base.off_topic import OffTopic, off_topic_texts
from knowledge_base.text import fold, has_content, stem, tokens


def test_fold_and_tokens() -> None:
    assert fold("Élections ŒUVRE l’été") == "elections oeuvre l'ete"
    assert tokens("Les horaires d'ouverture des piscines") == ["horair", "ouvertur", "piscin"]
    assert stem("chevaux") == "cheval" and stem("piscines") == stem("piscine")
    assert tokens("voir https://www.ville.example/page") == ["voir"]


@pytest.mark.parametrize(("text", "expected"), [
    ("horaires piscine", True), ("😀🙏", False), ("?!...", False), ("https://t.co/xK3pQ9", False),
    ("bit.ly/3abc ??", False), ("@VilleExemple @VilleExemple", False), ("regardez https://x.fr", True),
    ("k", True), ("42", True),
])
def test_has_content(text: str, expected: bool) -> None:
    assert has_content(text) is expected


def test_abbreviations_are_spelled_out() -> None:
    assert expand("bjr c koi les horaires") == "bonjour c'est quoi les horaires"
    assert expand("refaire ma CNI") == "refaire ma CNI carte nationale d'identité"
    assert expand("c'est combien") == "c'est combien"
    assert expand("le P+R est gratuit") == "le P+R parking relais est gratuit"


def test_lexical_forgives_typos_prefixes_and_accents() -> None:
    index = LexicalIndex()
    index.put("piscine", [("Horaires des piscines municipales", 2)])
    index.put("biblio", [("Inscription à la bibliothèque", 2)])
    index.put("etat-civil", [("Acte de naissance à l'état civil", 2)])
    scores = index.scores("horaire piscine")
    assert max(scores, key=lambda doc_id: scores[doc_id]) == "piscine"
    assert "piscine" in index.scores("pisicne")  # one typo (transposition)
    assert "biblio" in index.scores("la bibli")  # a clipped word
    assert "etat-civil" in index.scores("ETAT CIVIL")
    assert all(0 <= v <= 1 for v in index.scores("piscine bibliotheque naissance").values())
    index.remove("piscine")
    assert "piscine" not in index.scores("piscine") and len(index) == 2


def test_off_topic_examples() -> None:
    texts = off_topic_texts()
    assert len(texts) > 50 and all(t.strip() for t in texts)
    vectors = np.eye(3, dtype=np.float32)
    assert OffTopic(vectors).similarity(np.array([0, 1, 0], dtype=np.float32)) == 1.0
    assert OffTopic(np.zeros((0, 3), dtype=np.float32)).similarity(vectors[0]) == -1.0
