"""A message that repeats, word for word, a question written for an entry is answered with that entry.

An editor who confirms a citizen's question from the training inbox says "this very question is answered
by this entry". The scores alone do not always say it back: when a neighbouring entry shares the
question's words, the confirmed entry comes first but by less than the answer margin, and the next citizen
asking the same thing would still be offered choices. So the decision answers when the first-ranked entry's
question or one of its variants has exactly the message's words (accents, case, punctuation and elided
articles aside) and none of the other candidates' does. Ranking is unchanged: the entry must come first.
"""

from __future__ import annotations

from knowledge_base.text import words
from knowledge_base.validation import EntryData


def _key(text: str) -> tuple[str, ...]:
    return tuple(words(text))


def written_for(query: str, entry: EntryData) -> bool:
    key = _key(query)
    return bool(key) and any(_key(text) == key for text in (entry.question, *entry.variants))


def confirmed_entry(query: str, candidates: list[EntryData]) -> str | None:
    """The first candidate's id if the query is one of its questions word for word, and no other candidate's."""
    if not candidates or not written_for(query, candidates[0]):
        return None
    return None if any(written_for(query, other) for other in candidates[1:]) else candidates[0].id
