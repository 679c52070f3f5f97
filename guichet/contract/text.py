"""Accent folding, the one way every process compares French words: "Élections" -> "elections"."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without accents or ligatures: "Élections" -> "elections", "œuvre" -> "oeuvre"."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae").replace("’", "'").replace("ʼ", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))
