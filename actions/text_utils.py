"""Small text helpers: accent-free normalization, tweet cleaning, message classification."""

from __future__ import annotations

import re

from guichet.contract.text import fold

URL_RE = re.compile(r"(https?://\S+|www\.\S+)", re.IGNORECASE)
MENTION_RE = re.compile(r"(?<!\w)@\w+")
HASHTAG_RE = re.compile(r"(?<!\w)#(\w+)")
WORD_RE = re.compile(r"[a-z0-9]+")

# above this many characters a message goes to a person rather than to the knowledge base
LONG_MESSAGE_CHARS = 1000


def normalize(text: str) -> str:
    """Lower case, no accents, apostrophes and punctuation as spaces, single spaces."""
    text = fold(text)
    text = re.sub(r"[^a-z0-9\-]+", " ", text)
    return " ".join(text.split())


def words(text: str) -> list[str]:
    return WORD_RE.findall(fold(text))


def clean_for_search(text: str) -> str:
    """The citizen's words without @mentions, URLs and the '#' of hashtags."""
    text = URL_RE.sub(" ", text)
    text = MENTION_RE.sub(" ", text)
    text = HASHTAG_RE.sub(r"\1", text)
    return " ".join(text.split())


def has_words(text: str) -> bool:
    """True if the text contains at least one letter or digit (not only emoji/punctuation)."""
    return any(char.isalnum() for char in text)


def only_links(text: str) -> bool:
    return bool(URL_RE.search(text)) and not has_words(MENTION_RE.sub(" ", URL_RE.sub(" ", text)))


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"
