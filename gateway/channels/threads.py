"""Cutting a text too long for one post into parts cut at sentence boundaries ("1/3 ...")."""

from __future__ import annotations

import re
from collections.abc import Callable

SENTENCE_END = re.compile(r"(?<=[.!?…:;])\s+")
NUMBER_ROOM = "99/99 "


def split_text(*, text: str, limit: int, measure: Callable[[str], int], numbered: bool) -> list[str]:
    """Parts of ``text`` each at most ``limit`` long as ``measure`` counts; numbered "i/n " when asked."""
    text = text.strip()
    if measure(text) <= limit:
        return [text]
    room = limit - (measure(NUMBER_ROOM) if numbered else 0)
    if room < 20:
        raise ValueError(f"limit: {limit} leaves no room for a numbered part")
    pieces = [piece for sentence in SENTENCE_END.split(text) for piece in _fit(sentence, room, measure)]
    parts: list[str] = []
    for piece in pieces:
        joined = f"{parts[-1]} {piece}" if parts else piece
        if parts and measure(joined) <= room:
            parts[-1] = joined
        else:
            parts.append(piece)
    if numbered:
        parts = [f"{index}/{len(parts)} {part}" for index, part in enumerate(parts, start=1)]
    return parts


def _fit(sentence: str, room: int, measure: Callable[[str], int]) -> list[str]:
    """A sentence that does not fit is cut between words; a word that does not fit, between characters."""
    if measure(sentence) <= room:
        return [sentence]
    chunks: list[str] = []
    for word in sentence.split():
        for piece in _cut_word(word, room, measure):
            joined = f"{chunks[-1]} {piece}" if chunks else piece
            if chunks and measure(joined) <= room:
                chunks[-1] = joined
            else:
                chunks.append(piece)
    return chunks


def _cut_word(word: str, room: int, measure: Callable[[str], int]) -> list[str]:
    """The longest prefixes that fit, found by bisection (measuring is a full twitter-text parse)."""
    pieces: list[str] = []
    while word:
        low, high = 1, len(word)
        while low < high:
            middle = (low + high + 1) // 2
            if measure(word[:middle]) <= room:
                low = middle
            else:
                high = middle - 1
        pieces.append(word[:low])
        word = word[low:]
    return pieces
