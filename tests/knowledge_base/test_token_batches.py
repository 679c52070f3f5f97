"""How ``encode_passages`` cuts a list of texts into batches: by length, within a count and a token budget."""

from __future__ import annotations

import pytest

from knowledge_base.encoder import token_batches


def test_short_texts_fill_batches_up_to_the_count() -> None:
    batches = token_batches([10] * 70, size=32, budget=4096)
    assert [len(batch) for batch in batches] == [32, 32, 6]
    assert sorted(i for batch in batches for i in batch) == list(range(70))


def test_long_texts_share_a_batch_only_within_the_budget() -> None:
    lengths = [512] * 20 + [20] * 4
    batches = token_batches(lengths, size=32, budget=4096)
    assert batches[0][:4] == [20, 21, 22, 23]  # the short ones first, padded to the longest of their batch
    assert [len(batch) for batch in batches] == [8, 8, 8]  # 8 x 512 = 4096 tokens
    for batch in batches:
        assert len(batch) * max(lengths[i] for i in batch) <= 4096


def test_indices_go_by_increasing_length_and_none_is_lost() -> None:
    lengths = [300, 5, 120, 5, 512, 60]
    batches = token_batches(lengths, size=2, budget=10_000)
    flat = [i for batch in batches for i in batch]
    assert flat == [1, 3, 5, 2, 0, 4]
    assert [lengths[i] for i in flat] == sorted(lengths)


def test_a_text_longer_than_the_budget_goes_alone() -> None:
    assert token_batches([9000, 10, 9000], size=32, budget=4096) == [[1], [0], [2]]


def test_nothing_to_encode_gives_no_batch() -> None:
    assert token_batches([], size=32, budget=4096) == []


@pytest.mark.parametrize(("size", "budget"), [(0, 4096), (32, 0)])
def test_a_size_or_budget_under_one_is_refused(size: int, budget: int) -> None:
    with pytest.raises(ValueError, match=f"size={size}.*budget={budget}"):
        token_batches([10], size=size, budget=budget)
