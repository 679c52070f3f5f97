"""BM25 with numpy postings: the same scores as the textbook formula, kept right through updates."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from knowledge_base.lexical import K1, TYPO_WEIGHT, B, LexicalIndex
from knowledge_base.text import tokens

WORDS = ["piscine", "horaires", "tarifs", "carte", "identite", "ecole", "cantine", "parking", "velo", "dechets"]


def reference_scores(documents: dict[str, str], query: str) -> dict[str, float]:
    """BM25 normalised by the best reachable score, one document at a time (exact words only)."""
    counts = {doc_id: Counter(tokens(text)) for doc_id, text in documents.items()}
    average = sum(sum(c.values()) for c in counts.values()) / len(counts)

    def idf(term: str) -> float:
        having = sum(1 for c in counts.values() if term in c)
        return math.log(1.0 + (len(counts) - having + 0.5) / (having + 0.5))

    terms = list(dict.fromkeys(tokens(query)))
    best = sum(idf(t) * (K1 + 1) / (1 + K1 * (1 - B + B * 0.5)) for t in terms)
    out = {}
    for doc_id, c in counts.items():
        norm = K1 * (1 - B + B * sum(c.values()) / average)
        score = sum(idf(t) * c[t] * (K1 + 1) / (c[t] + norm) for t in terms if t in c)
        if score > 0:
            out[doc_id] = min(1.0, score / best)
    return out


def test_scores_match_the_formula_through_puts_removals_and_reused_slots() -> None:
    rng = random.Random(3)
    index, documents = LexicalIndex(), dict[str, str]()
    for step in range(400):
        doc_id = f"d{rng.randrange(60)}"
        if step % 4 == 3:
            index.remove(doc_id)
            documents.pop(doc_id, None)
        else:
            documents[doc_id] = " ".join(rng.choices(WORDS, k=rng.randint(1, 8)))
            index.put(doc_id, [(documents[doc_id], 1)])
        if step % 25 == 0:
            query = " ".join(rng.sample(WORDS, 3))
            expected = reference_scores(documents, query)
            found = index.scores(query)
            assert found.keys() == expected.keys()
            assert all(found[d] == pytest.approx(expected[d], abs=1e-12) for d in expected)
    assert len(index) == len(documents)


def test_a_word_found_through_two_spellings_counts_once_at_its_best() -> None:
    index = LexicalIndex()
    for doc_id, text in {"both": "inscription inscrit", "one": "inscription", "f1": "velo", "f2": "parking"}.items():
        index.put(doc_id, [(text, 1)])
    # "inscri" is not indexed: it stands for "inscrit" (one letter off) and "inscription" (a prefix), at TYPO_WEIGHT
    idf_inscription, idf_inscrit = math.log(1 + 2.5 / 2.5), math.log(1 + 3.5 / 1.5)
    norm = K1 * (1 - B + B * 2 / 1.25)
    best = idf_inscrit * (K1 + 1) / (1 + K1 * (1 - B + B * 0.5))
    expected = TYPO_WEIGHT * max(idf_inscription, idf_inscrit) * (K1 + 1) / (1 + norm) / best
    scores = index.scores("inscri")
    assert set(scores) == {"both", "one"} and scores["both"] == pytest.approx(expected, abs=1e-12)


def test_top_get_and_as_dict_agree() -> None:
    index = LexicalIndex()
    for n in range(30):
        index.put(f"d{n}", [("piscine " * (n % 5 + 1) + "horaires" * (n % 2), 1)])
    found = index.score("piscine horaires")
    top = found.top(7)
    assert len(top) == 7 and [s for _, s in top] == sorted((s for _, s in top), reverse=True)
    everything = found.as_dict()
    assert sorted(everything.values(), reverse=True)[:7] == [s for _, s in top]
    assert all(found.get(doc_id) == score for doc_id, score in everything.items())
    assert found.get("absent") == 0.0 and index.score("ornithorynque").top(5) == []


def test_a_changed_document_is_scored_on_its_new_words() -> None:
    index = LexicalIndex()
    index.put("a", [("piscine municipale", 1)])
    index.put("b", [("cantine scolaire", 1)])
    assert set(index.scores("piscine")) == {"a"}
    index.put("b", [("piscine olympique", 1)])
    assert set(index.scores("piscine")) == {"a", "b"} and index.scores("cantine") == {}
    index.remove("a")
    index.put("c", [("cantine", 1)])  # takes the freed slot
    assert set(index.scores("piscine")) == {"b"} and set(index.scores("cantine")) == {"c"}
