"""The sentence-transformers encoder, loaded offline from a folder, fast on one short query.

``SentenceTransformer.encode`` costs tens of milliseconds of bookkeeping per call on CPU; for one
query that is more than the model itself. The folder's own tokenizer and transformer are called
directly instead (same tokens, same mean pooling and normalisation as the folder's modules), and
the prompts come from the folder's ``config_sentence_transformers.json`` (e5: "query: "/"passage: ").

Threads: one short query runs on one thread. Two threads make it no faster, and far slower as soon
as another process wants a core (measured on 2 cores with Rasa busy: p50 430 ms with two threads,
32 ms with one); batches of passages (imports, start-up) use two. One forward pass at a time.

A BERT (e5-small is one) runs through ``lean_bert`` rather than transformers' forward: the same
arithmetic, without a third of the time in per-call machinery. On a CPU with native bfloat16 it
runs in bfloat16 (see ``linear``), unless GUICHET_EMBEDDING_PRECISION says ``float32``; the name
then ends in "+bf16", so cached vectors and calibrations of the float32 model are not mixed with
its own. Queries are cut at QUERY_MAX_TOKENS (passages at the model's 512).

Memory: a batch's activations grow with its texts times its longest text's tokens (and attention with the
square of the length), so a batch of passages holds at most BATCH_SIZE texts and at most TOKEN_BUDGET padded
tokens (32 short texts, 8 of 512 tokens): importing 1,655 fiches with their details peaks at 1,394 MB instead of
1,702, at about the same speed (docs/benchmarks-kb.md, "Memory of a real import").
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from knowledge_base.lean_bert import LeanBert

log = logging.getLogger("guichet.kb.encoder")

BATCH_SIZE = 32
TOKEN_BUDGET = 4096  # padded tokens in one batch of passages: texts x the longest one's tokens
COUNT_CHUNK = 256  # texts whose tokens are counted together
SMALL_BATCH = 4  # at most this many texts: one thread
DEFAULT_PROMPTS = {"query": "query: ", "passage": "passage: "}
QUERY_MAX_TOKENS = 128  # citizens' questions are under 50 tokens; a long rant is judged on its beginning
QUERY_SUFFIX = f"+q{QUERY_MAX_TOKENS}"
BFLOAT16_SUFFIX = "+bf16"
Precision = Literal["auto", "float32", "bfloat16"]


class ModelMissing(FileNotFoundError):
    pass


def batch_threads() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def limit_torch_threads() -> None:
    """Two intra-op threads at most: the machine has two cores and the web server needs some too."""
    import torch

    torch.set_num_threads(batch_threads())
    with contextlib.suppress(RuntimeError):  # already set, or parallel work already started
        torch.set_num_interop_threads(1)


def model_name(path: Path) -> str:
    """The name caches and calibrations are kept under: folder name and the converted file's digest."""
    marker = path / "guichet-conversion.json"
    try:
        digest = str(json.loads(marker.read_text(encoding="utf-8"))["source_sha256"])[:12]
    except (OSError, ValueError, KeyError, TypeError):
        weights = path / "model.safetensors"
        digest = f"{weights.stat().st_size:x}" if weights.is_file() else "unknown"
    return f"{path.name}@{digest}"


def looks_like_hub_id(name: str) -> bool:
    """``intfloat/multilingual-e5-small`` names a model on a hub; a path that exists or starts with / or . does not."""
    return name.count("/") == 1 and not name.startswith((".", "/", "~")) and not Path(name).exists()


def use_bfloat16(precision: Precision) -> bool:
    from knowledge_base.linear import native_bfloat16

    return precision == "bfloat16" or (precision == "auto" and native_bfloat16())


def token_batches(lengths: list[int], *, size: int, budget: int) -> list[list[int]]:
    """The texts' indices by increasing length (little padding), cut into batches of at most ``size`` texts whose
    count times their longest length stays within ``budget`` (a text longer than the budget goes alone)."""
    if size < 1 or budget < 1:
        raise ValueError(f"token_batches: size={size!r} and budget={budget!r} must be at least 1")
    batches: list[list[int]] = []
    current: list[int] = []
    for index in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        if current and (len(current) == size or (len(current) + 1) * lengths[index] > budget):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


class SentenceTransformerEncoder:
    def __init__(self, path: str | Path, *, precision: Precision = "auto") -> None:
        folder = Path(path)
        hub_id = looks_like_hub_id(str(path))
        if not hub_id and not (folder / "modules.json").is_file():
            raise ModelMissing(f"embedding model folder {str(folder)!r} is missing or incomplete (no modules.json): "
                               "run `make install` (it converts the model into var/models), "
                               "or set GUICHET_EMBEDDING_MODEL to a sentence-transformers folder")
        if not hub_id:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        limit_torch_threads()
        import torch
        from sentence_transformers import SentenceTransformer

        self._torch = torch
        self._lock = threading.Lock()
        self.model = SentenceTransformer(str(path), device="cpu", local_files_only=not hub_id)
        self.model.eval()
        self.name = (str(path) if hub_id else model_name(folder)) + QUERY_SUFFIX
        self.folder: Path | None = None if hub_id else folder
        self._lean = self._lean_forward(precision)
        self.max_length = int(self.model.max_seq_length or 512)
        prompts: dict[str, str] = dict(getattr(self.model, "prompts", {}) or {})
        self.query_prompt = prompts.get("query", DEFAULT_PROMPTS["query"])
        self.passage_prompt = prompts.get("passage", DEFAULT_PROMPTS["passage"])
        self.dim = int(self.model.get_embedding_dimension() or 0)
        log.info("loaded %s (dim %d) from %s", self.name, self.dim, folder)

    def _lean_forward(self, precision: Precision) -> LeanBert | None:
        from knowledge_base import lean_bert
        from knowledge_base.mapped_pages import release_mapped_pages

        transformer: Any = self.model[0].auto_model
        if not lean_bert.supports(transformer):
            log.warning("%s is not a BERT: transformers' forward, in float32", self.name)
            return None
        bfloat16 = use_bfloat16(precision)
        lean = lean_bert.LeanBert(transformer, bfloat16=bfloat16)
        release_mapped_pages(lean.replaced, suffix=".safetensors")
        if bfloat16:
            self.name += BFLOAT16_SUFFIX
        return lean

    def encode_queries(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self._encode([self.query_prompt + text for text in texts], min(self.max_length, QUERY_MAX_TOKENS))

    def encode_passages(self, texts: list[str]) -> npt.NDArray[np.float32]:
        return self._encode([self.passage_prompt + text for text in texts], self.max_length)

    def _encode(self, texts: list[str], max_length: int) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        small = len(texts) <= SMALL_BATCH  # a query or a few texts: one batch, no need to count tokens
        if small:
            batches = [list(range(len(texts)))] if texts else []
        else:
            batches = token_batches(self._token_counts(texts, max_length), size=BATCH_SIZE, budget=TOKEN_BUDGET)
        with self._lock:
            self._torch.set_num_threads(1 if small else batch_threads())
            for batch in batches:
                out[batch] = self._forward([texts[i] for i in batch], max_length)
        return out

    def _token_counts(self, texts: list[str], max_length: int) -> list[int]:
        """Each text's tokens (cut at ``max_length``), counted a few hundred texts at a time: the token lists of a
        whole import at once would weigh hundreds of megabytes."""
        counts: list[int] = []
        for start in range(0, len(texts), COUNT_CHUNK):
            ids = self.model.tokenizer(texts[start:start + COUNT_CHUNK], truncation=True, max_length=max_length,
                                       return_attention_mask=False, return_token_type_ids=False)["input_ids"]
            counts.extend(len(tokens) for tokens in ids)
        return counts

    def _hidden(self, input_ids: Any, attention_mask: Any) -> Any:
        if self._lean is not None:
            return self._lean(input_ids, attention_mask)
        transformer: Any = self.model[0].auto_model
        return transformer(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    def _forward(self, texts: list[str], max_length: int) -> npt.NDArray[np.float32]:
        torch = self._torch
        features: dict[str, Any] = self.model.tokenizer(texts, padding=True, truncation=True,
                                                        max_length=max_length, return_tensors="pt")
        with torch.inference_mode():
            hidden = self._hidden(features["input_ids"], features["attention_mask"]).float()
            mask = features["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            normalised = torch.nn.functional.normalize(pooled, p=2, dim=1)
        result: npt.NDArray[np.float32] = normalised.numpy().astype(np.float32, copy=False)
        return result
