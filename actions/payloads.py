"""Custom payloads sent to the citizen (docs/architecture.md) and the 280-character rule.

Every bot message is ``{"text", "kind", "faq_id", "suggestions", "handoff"}``; every text
must fit in 280 weighted characters as counted by twitter-text.
"""

from __future__ import annotations

from typing import Any

from guichet.contract.replies import KINDS
from guichet.contract.tweet_length import TWEET_LIMIT, weighted_length

ELLIPSIS = "…"




def fits(text: str, limit: int = TWEET_LIMIT) -> bool:
    return weighted_length(text) <= limit


def truncate(text: str, limit: int = TWEET_LIMIT) -> str:
    """Cut ``text`` on a word boundary (adding "…") so that it fits in ``limit``."""
    text = " ".join(text.split())
    if fits(text, limit):
        return text
    words = text.split(" ")
    # binary search on the number of words kept
    low, high = 0, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(" ".join(words[:middle]).rstrip(" ,;:.") + ELLIPSIS, limit):
            low = middle
        else:
            high = middle - 1
    kept = " ".join(words[:low]).rstrip(" ,;:.")
    if not kept:  # one very long word: cut characters
        kept = words[0]
        while kept and not fits(kept + ELLIPSIS, limit):
            kept = kept[:-1]
    return kept + ELLIPSIS


def handoff_info(
    *,
    reason: str,
    department: str | None = None,
    reference: str | None = None,
    handoff_id: int | None = None,
) -> dict[str, Any]:
    return {
        "department": department,
        "reason": reason,
        "reference": reference,
        "handoff_id": handoff_id,
    }


def make_payload(
    text: str,
    kind: str,
    *,
    faq_id: str | None = None,
    suggestions: list[dict[str, Any]] | None = None,
    handoff: dict[str, Any] | None = None,
) -> dict[str, Any]:
    if kind not in KINDS:
        raise ValueError(f"unknown payload kind {kind!r}")
    return {
        "text": truncate(text),
        "kind": kind,
        "faq_id": faq_id,
        "suggestions": list(suggestions or []),
        "handoff": handoff,
    }
