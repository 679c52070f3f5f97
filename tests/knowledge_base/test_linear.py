"""Linear layers in float32 and in packed bfloat16, with and without the GELU."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional

from knowledge_base import linear as linear_module
from knowledge_base.linear import PackedLinear, PlainLinear, linear

bf16 = pytest.mark.skipif(not torch.ops.mkldnn._is_mkldnn_bf16_supported(), reason="no oneDNN bfloat16")


@pytest.fixture
def weights() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    torch.manual_seed(1)
    return torch.randn(96, 48) / 7, torch.randn(96) / 7, torch.randn(2, 5, 48)


@pytest.mark.parametrize("gelu", [False, True])
def test_float32_is_the_textbook_product(weights: tuple[torch.Tensor, ...], gelu: bool) -> None:
    weight, bias, x = weights
    expected = functional.linear(x, weight, bias)
    expected = functional.gelu(expected) if gelu else expected
    layer = linear(weight, bias, gelu=gelu)
    assert isinstance(layer, PlainLinear) and torch.equal(layer(x), expected)


@bf16
@pytest.mark.parametrize("gelu", [False, True])
def test_bfloat16_is_within_its_rounding(weights: tuple[torch.Tensor, ...], gelu: bool) -> None:
    weight, bias, x = weights
    expected = functional.linear(x, weight, bias)
    expected = functional.gelu(expected) if gelu else expected
    found = linear(weight, bias, gelu=gelu, bfloat16=True)(x.to(torch.bfloat16))
    assert found.dtype == torch.bfloat16
    assert float((found.float() - expected).abs().max()) < 0.03 * float(expected.abs().max())


@bf16
def test_packed_where_possible(weights: tuple[torch.Tensor, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    weight, bias, _ = weights
    if linear_module.packing_available():
        assert isinstance(linear(weight, bias, bfloat16=True), PackedLinear)
    monkeypatch.setattr(linear_module, "packing_available", lambda: False)
    plain = linear(weight, bias, bfloat16=True)
    assert isinstance(plain, PlainLinear) and plain.weight.dtype == torch.bfloat16
