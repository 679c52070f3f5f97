"""An entry's details as passages for the search.

``details`` is the reference text behind an entry's short answer (for an imported fiche, its full
text): citizens ask about a case the page covers and the answer's two sentences do not name. The
search reads it as passages of about ``PASSAGE_WORDS`` words, cut between sentences, each headed by
the entry's question (e5 reads a passage better with its subject), the first ``MAX_PASSAGES`` only:
a fiche's first pages hold its cases, and at 10,000 entries six passages each keep the index in
memory (docs/benchmarks-kb.md). BM25 reads the words of the same passages. Citizens never see the details.
"""

from __future__ import annotations

import re

from knowledge_base.validation import EntryData

PASSAGE_WORDS = 60
MAX_PASSAGES = 6
_BETWEEN_SENTENCES = re.compile(r"(?<=[.!?…:])\s+")


def passages_of(text: str, *, words: int = PASSAGE_WORDS) -> list[str]:
    """``text`` cut between sentences into runs of at most ``words`` words (a longer sentence stays whole)."""
    out: list[str] = []
    current = ""
    for sentence in _BETWEEN_SENTENCES.split(" ".join(text.split())):
        if current and len(current.split()) + len(sentence.split()) > words:
            out.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        out.append(current)
    return out


def searched_passages(entry: EntryData) -> list[str]:
    """The part of the entry's details the search reads: its first ``MAX_PASSAGES`` passages."""
    return passages_of(entry.details)[:MAX_PASSAGES] if entry.details else []


def detail_texts(entry: EntryData) -> list[str]:
    """The passages the search embeds for the entry's details (none without details)."""
    return [f"{entry.question} — {passage}" for passage in searched_passages(entry)]


def detail_words(entry: EntryData) -> str:
    """The same passages as one text, for BM25 (empty without details)."""
    return " ".join(searched_passages(entry))
