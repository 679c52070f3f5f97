"""The dense index with details: an entry's best detail passage takes part in its score, only while some entry
has details, and stays with its entry through replacements and compaction."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge_base.dense import DenseIndex

DIM = 8


def unit(*values: float) -> np.ndarray:
    vector = np.zeros(DIM, dtype=np.float32)
    vector[: len(values)] = values
    return (vector / np.linalg.norm(vector)).astype(np.float32)


def index(detail_weight: float = 1.0) -> DenseIndex:
    return DenseIndex(DIM, key_weight=1.0, passage_weights=(1.0,), tau=0.05, detail_weight=detail_weight)


def rows(*vectors: np.ndarray) -> np.ndarray:
    return np.stack(vectors)


def score(dense: DenseIndex, entry_id: str, query: np.ndarray) -> float:
    slot = dense.slot_of(entry_id)
    assert slot is not None
    return float(dense.scores(query)[slot])


def test_without_details_anywhere_the_detail_weight_changes_nothing() -> None:
    plain, weighted = index(0.0), index(2.0)
    for dense in (plain, weighted):
        dense.put("a", rows(unit(1, 0)), rows(unit(1, 1)))
        dense.put("b", rows(unit(0, 1)), rows(unit(0, 1)))
    query = unit(1, 0.2)
    assert not weighted.has_details
    np.testing.assert_allclose(plain.scores(query), weighted.scores(query), rtol=1e-6)


def test_a_matching_detail_passage_lifts_its_entry() -> None:
    dense = index(2.0)
    question, case, other = unit(1, 0, 0), unit(0, 0, 1), unit(1, 0.5, 0.2)
    dense.put("brulage", rows(question), rows(question, case))  # its whole text, then one detail passage
    dense.put("compost", rows(other), rows(other))
    query = unit(0.5, 0.1, 1)  # about the case only the details describe
    assert dense.has_details
    assert score(dense, "brulage", query) > score(dense, "compost", query)
    without = index(2.0)
    without.put("brulage", rows(question), rows(question))
    without.put("compost", rows(other), rows(other))
    assert score(without, "brulage", query) < score(without, "compost", query)


def test_an_entry_without_details_counts_its_whole_text_instead() -> None:
    dense = index()
    dense.put("with", rows(unit(1, 0)), rows(unit(1, 0), unit(0, 1), unit(1, 0)))
    dense.put("without", rows(unit(1, 0)), rows(unit(1, 0)))
    query = unit(1, 0)
    # "with": key 1, whole 1, best detail max(0, 1) = 1; "without": its whole text (1) stands for its details
    assert abs(score(dense, "with", query) - score(dense, "without", query)) < 1e-6


def test_details_follow_their_entry_through_replacement_and_compaction() -> None:
    dense = index()
    target = unit(0, 0, 0, 1)
    for n in range(12):
        dense.put(f"e{n}", rows(unit(1, n)), rows(unit(1, n), unit(n, 1, 0)))
    dense.put("found", rows(unit(1, 0)), rows(unit(1, 0), target))
    before = score(dense, "found", target)
    for n in range(12):  # replaced, then removed: dead rows outnumber the living and are compacted away
        dense.put(f"e{n}", rows(unit(1, n)), rows(unit(1, n)))
    for n in range(12):
        dense.remove(f"e{n}")
    assert len(dense) == 1
    assert abs(score(dense, "found", target) - before) < 1e-6
    dense.remove("found")
    dense.put("plain", rows(unit(1, 0)), rows(unit(1, 0)))
    assert not dense.has_details


def test_vectors_of_the_wrong_shape_are_refused_naming_the_entry() -> None:
    with pytest.raises(ValueError, match=r"entry 'bad': .* expected \(n>=1, 8\) and \(>=1, 8\)"):
        index().put("bad", rows(unit(1, 0)), np.zeros((0, DIM), dtype=np.float32))


def test_shrinking_after_a_bulk_load_keeps_every_score_and_later_puts_work() -> None:
    dense = index()
    for n in range(20):
        dense.put(f"e{n}", rows(unit(1, n), unit(n, 1)), rows(unit(1, n), unit(0, 1, n)))
    query = unit(1, 3, 1)
    before = dense.scores(query).copy()
    dense.shrink()
    np.testing.assert_allclose(dense.scores(query), before, rtol=1e-6)
    assert len(dense._details) == 20 and len(dense._keys) == 40  # no spare rows left
    dense.put("new", rows(unit(0, 0, 1)), rows(unit(0, 0, 1), unit(0, 0, 1)))
    dense.remove("e3")
    assert dense.slot_of("new") is not None and score(dense, "new", unit(0, 0, 1)) > 0.99


def nearest(dense: DenseIndex, query: np.ndarray) -> tuple[str | None, float, float]:
    found = dense.nearest_keys(query)
    assert found is not None
    return dense.id_at(found[0]), found[1], found[2]


def test_the_nearest_key_names_its_slot_and_the_nearest_key_of_any_other_slot() -> None:
    dense = index(detail_weight=0.0)
    assert dense.nearest_keys(unit(1)) is None
    dense.put_many([("a", rows(unit(1, 0.1), unit(1, 0.3)), rows(unit(0, 1))),
                    ("b", rows(unit(1, 0.6)), rows(unit(0, 1))), ("c", rows(unit(0, 0, 1)), rows(unit(0, 1)))])
    entry_id, best, runner_up = nearest(dense, unit(1))
    assert entry_id == "a" and best == pytest.approx(float(unit(1, 0.1) @ unit(1)), abs=1e-6)
    assert runner_up == pytest.approx(float(unit(1, 0.6) @ unit(1)), abs=1e-6)  # b's, not a's second key
    dense.remove("a")  # a removed entry's keys count no more
    entry_id, _best, runner_up = nearest(dense, unit(1))
    assert entry_id == "b" and runner_up == pytest.approx(0.0, abs=1e-6)
    dense.remove("c")
    assert nearest(dense, unit(1))[2] == -1.0  # no other entry
