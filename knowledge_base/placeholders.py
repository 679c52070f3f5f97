"""Placeholders: a local fact the shipped FAQ cannot know, written ``{{à compléter : jours du marché}}``.

An entry whose answer still holds one is *unfilled*: the console flags it until an editor writes the
fact, and a citizen never sees it. The rule, applied to every search here and nowhere else
(``withhold_unfilled``): when an unfilled entry is the best match, the message goes to a person of that
entry's department (decision ``handoff``, the entry kept first so that the handoff is routed); an
unfilled entry ranked lower is left out of the hits, so it is never offered among choices.
"""

from __future__ import annotations

import re

from knowledge_base.types import Decision, Hit

PLACEHOLDER_RE = re.compile(r"\{\{\s*à compléter\s*:\s*([^{}]*?)\s*\}\}", re.IGNORECASE)


def placeholders(text: str) -> list[str]:
    """What each placeholder of ``text`` asks for, in order (``[]`` for a filled answer)."""
    return [match.group(1) for match in PLACEHOLDER_RE.finditer(text)]


def is_unfilled(answer: str) -> bool:
    return PLACEHOLDER_RE.search(answer) is not None


def withhold_unfilled(decision: Decision, hits: list[Hit], *, top_k: int) -> tuple[Decision, list[Hit]]:
    """The decision and at most ``top_k`` hits a citizen may be given (see the module's docstring).

    ``hits`` may hold more than ``top_k`` candidates, so that choices left out can be replaced.
    """
    if hits and is_unfilled(hits[0].answer):
        return "handoff", hits[:1]
    kept = [hit for hit in hits if not is_unfilled(hit.answer)][:top_k]
    return decision, kept
