"""A linear layer, optionally followed by an exact GELU: in float32, or in bfloat16 packed for oneDNN.

On CPUs that compute bfloat16 natively (AMX, AVX-512 BF16), a bfloat16 product on weights packed
once in oneDNN's layout (what ``torch.compile`` does when it freezes a model) takes a fifth to a
third of the float32 time on a short query's 20-odd tokens, and the GELU runs inside it. Elsewhere
bfloat16 is emulated and slower than float32.

oneDNN keeps a compiled kernel per input shape (about half a megabyte each, up to 1,024 of them):
packed products pad their rows (tokens) to a few sizes, at most 1/8 more, so a day of messages of
every length compiles a few dozen; padding rows changes no other row's result.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.nn import functional

PACKING_ROWS_HINT = 32  # oneDNN chooses its blocking for about this many tokens; any count works


def native_bfloat16() -> bool:
    cpu: Any = torch.cpu
    checks = ("_is_amx_tile_supported", "_is_avx512_bf16_supported")
    return any(bool(getattr(cpu, check, lambda: False)()) for check in checks)


def packing_available() -> bool:
    mkldnn: Any = torch.ops.mkldnn
    return bool(torch.backends.mkldnn.is_available()) and all(
        hasattr(mkldnn, op) for op in ("_reorder_linear_weight", "_linear_pointwise"))


class PlainLinear:
    """``x @ weight.T + bias`` in the weights' dtype, then GELU if asked."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor, *, gelu: bool) -> None:
        self.weight, self.bias, self.gelu = weight, bias, gelu

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        out = functional.linear(x, self.weight, self.bias)
        return functional.gelu(out) if self.gelu else out


def padded_rows(rows: int) -> int:
    """``rows`` rounded up to a multiple of 16, or above 64 to one of 8 steps per power of two."""
    step = 16 if rows <= 64 else 1 << (rows.bit_length() - 4)
    return -(-rows // step) * step


class PackedLinear:
    """The same in bfloat16, on weights in oneDNN's layout, GELU fused, rows padded (see ``padded_rows``)."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor, *, gelu: bool) -> None:
        self.packed = torch.ops.mkldnn._reorder_linear_weight(weight.detach().to(torch.bfloat16), PACKING_ROWS_HINT)
        self.bias = bias.detach().to(torch.bfloat16)
        self.out_features = int(weight.shape[0])
        self.activation, self.algorithm = ("gelu", "none") if gelu else ("none", "")

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        rows = x.numel() // x.shape[-1]
        flat = functional.pad(x.reshape(rows, x.shape[-1]), (0, 0, 0, padded_rows(rows) - rows))
        out: torch.Tensor = torch.ops.mkldnn._linear_pointwise(flat, self.packed, self.bias, self.activation, [],
                                                               self.algorithm)
        return out[:rows].reshape(*x.shape[:-1], self.out_features)


def linear(weight: torch.Tensor, bias: torch.Tensor, *, gelu: bool = False,
           bfloat16: bool = False) -> PlainLinear | PackedLinear:
    if not bfloat16:
        return PlainLinear(weight, bias, gelu=gelu)
    if packing_available():
        return PackedLinear(weight, bias, gelu=gelu)
    return PlainLinear(weight.detach().to(torch.bfloat16), bias.detach().to(torch.bfloat16), gelu=gelu)
