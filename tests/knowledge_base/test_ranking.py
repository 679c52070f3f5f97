"""A knowledge base mixing entries with and without variants scores both kinds on one scale."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from knowledge_base.dense import DenseIndex
from knowledge_base.ranking import FusionConfig, HybridIndex, passage_texts
from knowledge_base.validation import EntryData
from knowledge_base.written_entries import CURATED_VARIANTS


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def entry(entry_id: str, variants: int) -> EntryData:
    return EntryData(id=entry_id, question=f"question {entry_id}", answer="réponse", department="accueil",
                     variants=[f"variante {entry_id} {n}" for n in range(variants)])


QUERY = unit(1, 0, 0)
# twelve keys each a little off the query, against one key (the bare entry's question) a little closer
MANY = np.stack([unit(1, 0.55 + 0.01 * n, 0.1) for n in range(12)])
ONE = np.stack([unit(1, 0.5, 0)])
PASSAGE = np.stack([unit(0, 0, 1)])


def ranked(index: HybridIndex) -> list[str]:
    return [r.id for r in index.rank("x", QUERY)]


def test_entries_with_many_variants_no_longer_outrank_an_entry_without_any() -> None:
    plain = HybridIndex(3, FusionConfig(hub_weight=0.0, key_count_penalty=0.0))
    mixed = HybridIndex(3, FusionConfig(hub_weight=0.0))
    for index in (plain, mixed):
        index.put_many([(entry("rich", 11), MANY, PASSAGE), (entry("bare", 0), ONE, PASSAGE)])
    assert ranked(plain) == ["rich", "bare"]  # the soft maximum of twelve keys wins
    assert mixed.mixing and ranked(mixed) == ["bare", "rich"]


def test_a_knowledge_base_of_one_kind_keeps_its_plain_scores() -> None:
    index = HybridIndex(3, FusionConfig(hub_weight=0.0))
    index.put_many([(entry("rich", 11), MANY, PASSAGE), (entry("other", 11), MANY[::-1], PASSAGE)])
    plain = HybridIndex(3, FusionConfig(hub_weight=0.0, key_count_penalty=0.0))
    plain.put_many([(entry("rich", 11), MANY, PASSAGE), (entry("other", 11), MANY[::-1], PASSAGE)])
    assert not index.mixing
    assert [r.score for r in index.rank("x", QUERY)] == [r.score for r in plain.rank("x", QUERY)]
    index.put(entry("bare", 0), ONE, PASSAGE)
    assert index.mixing
    index.remove("bare")
    assert not index.mixing and index.dense.key_count_penalty == 0.0


def test_a_fiche_taught_a_citizen_question_is_still_scored_bare() -> None:
    """The training inbox confirms one question per imported fiche: the fiches keep their penalty-free scale beside
    the written entries; the city's own entry made from the inbox with one variant does not reorder them."""
    fiche = replace(entry("fiche", 1), source="service-public.fr:F2931")
    index = HybridIndex(3, FusionConfig(hub_weight=0.0))
    index.put_many([(entry("rich", 11), MANY, PASSAGE), (fiche, MANY[:2], PASSAGE)])
    assert index.mixing and index.dense.key_count_penalty > 0
    index.put(replace(fiche, variants=[f"variante {n}" for n in range(CURATED_VARIANTS)]), MANY[:4], PASSAGE)
    assert not index.mixing  # written now
    own = HybridIndex(3, FusionConfig(hub_weight=0.0))
    own.put_many([(entry("rich", 11), MANY, PASSAGE), (entry("made-from-the-inbox", 1), MANY[:2], PASSAGE)])
    assert not own.mixing and own.dense.key_count_penalty == 0.0


def test_the_penalty_follows_entries_through_compaction() -> None:
    dense = DenseIndex(3, key_weight=1.0, passage_weights=(0.0,), tau=0.05, key_count_penalty=1.0)
    dense.put_many([("a", MANY, PASSAGE), ("b", ONE, PASSAGE), ("c", MANY[:3], PASSAGE)])
    before = dict(zip(["a", "b", "c"], dense.scores(QUERY).tolist(), strict=True))
    dense.remove("a")  # twelve dead keys of sixteen: compacted
    after = {dense.id_at(slot): score for slot, score in enumerate(dense.scores(QUERY).tolist())}
    assert after == {"b": pytest.approx(before["b"]), "c": pytest.approx(before["c"])}
    # one key: the penalty is nil, the score is the cosine of that key
    assert after["b"] == pytest.approx(float(ONE[0] @ QUERY), abs=1e-5)


def test_a_bare_entry_s_arrival_leaves_the_written_entries_order_among_themselves() -> None:
    """The written entries count one level (the median of their keys): a bare entry's arrival lowers them alike,
    their gaps stay (per entry, twelve keys would lose more than four)."""
    rich = MANY  # twelve keys, at cosine 0.83 to 0.87 of the query
    four = np.stack([unit(0.88, float(np.sqrt(1 - 0.88 ** 2)), 0)] + [unit(0, 1, 0)] * 3)
    index = HybridIndex(3, FusionConfig(hub_weight=0.0))
    index.put_many([(entry("rich", 11), rich, PASSAGE), (entry("four", 3), four, PASSAGE)])
    before = {r.id: r.score for r in index.rank("x", QUERY)}
    index.put(entry("bare", 0), ONE, PASSAGE)
    after = {r.id: r.score for r in index.rank("x", QUERY)}
    assert index.mixing and ranked(index) == ["bare", "rich", "four"]
    assert after["rich"] - after["four"] == pytest.approx(before["rich"] - before["four"], abs=1e-6)
    assert list(index.dense.counted_keys()) == [8.0, 8.0, 1.0]  # the median of 12 and 4 keys; the bare one's own


def test_an_entry_s_details_are_searched_but_their_text_is_not_held() -> None:
    """The index reads the details through their passages' vectors and words; it keeps the entry without its text
    (at 10,000 imported fiches, tens of megabytes the database already holds)."""
    config = FusionConfig(hub_weight=0.0)
    detailed = EntryData(id="permis", question="question permis", answer="réponse", department="accueil",
                         details="Le duplicata du permis de conduire se demande en ligne, sans frais.")
    passages = np.stack([unit(0, 0, 1)] * len(passage_texts(detailed, config)))
    index = HybridIndex(3, config)
    index.put_many([(detailed, ONE, passages), (entry("bare", 0), ONE, PASSAGE)])
    assert index.entries["permis"].details == ""
    assert index.entries["permis"].question == "question permis" and index.entries["permis"].answer == "réponse"
    assert index.dense.has_details
    found = {r.id: r.lexical for r in index.rank("duplicata", QUERY)}
    assert found["permis"] > 0.0 and found["bare"] == 0.0  # the word is in the details alone
