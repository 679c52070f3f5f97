"""The real model (``pytest -m model``): bfloat16 next to float32, queries cut at QUERY_MAX_TOKENS."""

from __future__ import annotations

from pathlib import Path

import pytest

from guichet.settings import Settings
from knowledge_base.encoder import BFLOAT16_SUFFIX, QUERY_MAX_TOKENS, QUERY_SUFFIX, SentenceTransformerEncoder
from testing.needs import unavailable

pytestmark = pytest.mark.model
MODEL = Path(Settings().resolved_embedding_model)
TEXTS = ["horaires piscine", "Comment refaire ma carte d'identité ?", "k", "mot " * 3000]


@pytest.fixture(scope="module")
def float32() -> SentenceTransformerEncoder:
    if not (MODEL / "modules.json").is_file():
        unavailable(f"no embedding model at {MODEL}: run `make install`")
    return SentenceTransformerEncoder(MODEL, precision="float32")


def test_bfloat16_vectors_are_the_float32_ones_within_a_rounding(float32: SentenceTransformerEncoder) -> None:
    bf16 = SentenceTransformerEncoder(MODEL, precision="bfloat16")
    assert bf16.name == float32.name + BFLOAT16_SUFFIX and float32.name.endswith(QUERY_SUFFIX)
    for encode in ("encode_queries", "encode_passages"):
        cosines = (getattr(bf16, encode)(TEXTS) * getattr(float32, encode)(TEXTS)).sum(axis=1)
        assert cosines.min() > 0.9998, (encode, cosines)


def test_a_long_message_is_judged_on_its_first_tokens(float32: SentenceTransformerEncoder) -> None:
    words = [f"mot{n}" for n in range(600)]
    prefix = float32.model.tokenizer.convert_tokens_to_string(
        float32.model.tokenizer.tokenize(float32.query_prompt + " ".join(words))[: QUERY_MAX_TOKENS - 2])
    long, cut = float32.encode_queries([" ".join(words), prefix[len(float32.query_prompt):]])
    assert float(long @ cut) > 0.9999
    passages = float32.encode_passages([" ".join(words), " ".join(words[:40])])
    assert float(passages[0] @ passages[1]) < 0.999  # passages keep up to 512 tokens


def test_batches_cut_by_tokens_give_each_text_its_own_vector(float32: SentenceTransformerEncoder) -> None:
    texts = [f"passage {n} " + "mot " * (n * 40) for n in range(12)]  # 3 to 450 tokens: several batches
    together = float32.encode_passages(texts)
    alone = [float32.encode_passages([text])[0] for text in texts]
    cosines = [float(together[i] @ alone[i]) for i in range(len(texts))]
    assert min(cosines) > 0.9999, cosines
