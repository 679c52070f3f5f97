"""BERT's forward pass (e5-small is a BERT) without transformers' per-call machinery.

The same arithmetic as ``transformers.BertModel`` in eval mode: embeddings (word + token type 0 +
position, layer norm), then in each layer self-attention (query, key and value in one matrix
product, ``scaled_dot_product_attention``), its projection, residual and layer norm, the
feed-forward with exact GELU, residual and layer norm. On one short query transformers' wrappers
(output capture, mask builders, a module call per step) cost a third of the time.

In bfloat16 every matrix product is ``linear``'s packed one; the embeddings stay float32, as
views of the mapped safetensors file of which only the rows of words met are resident.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch.nn import functional

from knowledge_base.linear import PackedLinear, PlainLinear, linear

Linear = PlainLinear | PackedLinear
Norm = tuple[torch.Tensor, torch.Tensor]


@dataclass(frozen=True)
class Layer:
    qkv: Linear
    attention_output: Linear
    attention_norm: Norm
    feed_forward: Linear
    output: Linear
    output_norm: Norm


def supports(model: Any) -> bool:
    """A BERT encoder with absolute positions and exact GELU, laid out as transformers' ``BertModel``."""
    config = getattr(model, "config", None)
    return (type(model).__name__ == "BertModel" and config is not None and not getattr(config, "is_decoder", False)
            and getattr(config, "position_embedding_type", "absolute") == "absolute"
            and getattr(config, "hidden_act", None) == "gelu")


class LeanBert:
    def __init__(self, model: Any, *, bfloat16: bool) -> None:
        config = model.config
        self.heads = int(config.num_attention_heads)
        self.eps = float(config.layer_norm_eps)
        self.dtype = torch.bfloat16 if bfloat16 else torch.float32
        embeddings = model.embeddings
        self.words = embeddings.word_embeddings.weight
        self.positions = embeddings.position_embeddings.weight
        self.token_type = embeddings.token_type_embeddings.weight[0]
        self.embedding_norm = (embeddings.LayerNorm.weight, embeddings.LayerNorm.bias)
        self.replaced: list[tuple[int, int]] = []  # (address, bytes) of the model's weights no longer read
        self.layers = [self._layer(layer, bfloat16) for layer in model.encoder.layer]

    def _layer(self, layer: Any, bfloat16: bool) -> Layer:
        attention = layer.attention.self
        parts = (attention.query, attention.key, attention.value)
        with torch.no_grad():
            qkv = linear(torch.cat([p.weight for p in parts]), torch.cat([p.bias for p in parts]), bfloat16=bfloat16)
        kept = [layer.attention.output.dense, layer.intermediate.dense, layer.output.dense]
        norms = [layer.attention.output.LayerNorm, layer.output.LayerNorm]
        replaced = [*parts, *kept, *norms] if bfloat16 else parts
        self.replaced += [(t.data_ptr(), t.numel() * t.element_size()) for m in replaced for t in (m.weight, m.bias)]
        return Layer(qkv=qkv, attention_output=self._linear(kept[0], bfloat16),
                     attention_norm=self._norm(norms[0]), feed_forward=self._linear(kept[1], bfloat16, gelu=True),
                     output=self._linear(kept[2], bfloat16), output_norm=self._norm(norms[1]))

    def _linear(self, module: Any, bfloat16: bool, *, gelu: bool = False) -> Linear:
        return linear(module.weight.detach(), module.bias.detach(), gelu=gelu, bfloat16=bfloat16)

    def _norm(self, module: Any) -> Norm:
        return module.weight.detach().to(self.dtype), module.bias.detach().to(self.dtype)

    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """The last hidden states, ``(batch, tokens, hidden)``, in float32 or bfloat16."""
        batch, length = input_ids.shape
        x = functional.embedding(input_ids, self.words) + self.token_type + self.positions[:length]
        x = functional.layer_norm(x, x.shape[-1:], *self.embedding_norm, self.eps).to(self.dtype)
        mask = None if bool(attention_mask.all()) else attention_mask[:, None, None, :].bool()
        hidden = x.shape[-1]
        for layer in self.layers:
            q, k, v = layer.qkv(x).view(batch, length, 3, self.heads, -1).permute(2, 0, 3, 1, 4)
            attended = functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
            attended = attended.transpose(1, 2).reshape(batch, length, hidden)
            x = functional.layer_norm(layer.attention_output(attended) + x, (hidden,), *layer.attention_norm,
                                      self.eps)
            x = functional.layer_norm(layer.output(layer.feed_forward(x)) + x, (hidden,), *layer.output_norm,
                                      self.eps)
        return x
