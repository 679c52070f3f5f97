"""The lean forward of a small random BERT against transformers' own, in float32 and bfloat16."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from knowledge_base.lean_bert import LeanBert, supports
from testing.needs import needed_module

transformers = needed_module("transformers")
bf16 = pytest.mark.skipif(not torch.ops.mkldnn._is_mkldnn_bf16_supported(), reason="no oneDNN bfloat16")
LAYERS = 2


def config(**changes: object) -> object:
    return transformers.BertConfig(vocab_size=500, hidden_size=64, num_hidden_layers=LAYERS, num_attention_heads=4,
                                   intermediate_size=256, max_position_embeddings=64, **changes)


@pytest.fixture
def model() -> nn.Module:
    torch.manual_seed(0)
    return transformers.BertModel(config()).eval()


@pytest.fixture
def batch() -> tuple[torch.Tensor, torch.Tensor]:
    torch.manual_seed(2)
    ids = torch.randint(5, 500, (3, 12))
    mask = torch.ones_like(ids)
    mask[1, 7:] = 0
    mask[2, 3:] = 0
    return ids, mask


def hidden_states(model: nn.Module, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    with torch.inference_mode():
        out: torch.Tensor = model(input_ids=ids, attention_mask=mask).last_hidden_state
    return out


def run(lean: LeanBert, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    with torch.inference_mode():
        return lean(ids, mask).float()


def test_float32_is_transformers_forward(model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> None:
    ids, mask = batch
    expected = hidden_states(model, ids, mask)
    lean = LeanBert(model, bfloat16=False)
    found = run(lean, ids, mask)
    kept = mask.bool()
    assert float((found - expected)[kept].abs().max()) < 1e-5
    alone = run(lean, ids[1:2, :7], mask[1:2, :7])  # padding changes nothing
    assert float((alone[0] - found[1, :7]).abs().max()) < 1e-5
    assert len(lean.replaced) == LAYERS * 6  # query, key, value (weight, bias): fused into one product


@bf16
def test_bfloat16_is_within_its_rounding(model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> None:
    ids, mask = batch
    expected = hidden_states(model, ids, mask)
    lean = LeanBert(model, bfloat16=True)
    found = run(lean, ids, mask)
    kept = mask.bool()
    assert float((found - expected)[kept].abs().mean()) < 0.01  # about 0.003; 0.03 without the GELU
    assert lean.words.dtype == torch.float32  # embeddings stay as loaded
    assert len(lean.replaced) == LAYERS * 16  # every weight and bias of the layers has a bfloat16 copy


def test_only_plain_bert_encoders_are_supported(model: nn.Module) -> None:
    assert supports(model)
    assert not supports(transformers.BertModel(config(hidden_act="relu")))
    roberta = transformers.RobertaConfig(vocab_size=500, hidden_size=64, num_hidden_layers=1, num_attention_heads=4,
                                         intermediate_size=128)
    assert not supports(transformers.RobertaModel(roberta))
