"""French text for the lexical index: accent folding, tokens, light stemming, "is there anything to search?"."""

from __future__ import annotations

import re
import unicodedata

from guichet.contract.text import fold

URL_RE = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)+/\S*", re.IGNORECASE)
MENTION_RE = re.compile(r"(?<!\w)@\w+")
_TOKEN_RE = re.compile(r"[a-z0-9]+")
_ELISION_RE = re.compile(r"\b[cdjlmnst]'|\bqu'|\bjusqu'|\blorsqu'|\bpuisqu'")

# frequent French words that say nothing about the topic (accent-folded)
STOPWORDS = frozenset(word for word in """
a ai aie aient ais ait as au aux avais avait avec avez aviez avoir avons ayez c ca ce ceci cela celle celles celui
ces cet cette chez ci d dans de des du elle elles en es est et etaient etais etait etant ete etes etre eu eux fait
faire fais il ils j je l la le les leur leurs lui m ma mais me meme mes moi mon n ne ni nos notre nous on ont ou
par pas peu pour qu que quel quelle quelles quels qui s sa sans se ses si son sont suis sur t ta te tes toi ton tu
un une vos votre vous y svp stp bonjour bonsoir merci salut hello madame monsieur peut peux pouvez puis dois doit
faut voudrais veux voulez aimerais souhaite souhaiterais savoir est-ce ceux celle-ci cela tres bien
""".split())  # noqa: SIM905


def stem(word: str) -> str:
    """A light French stemmer: plurals and feminine/verb endings, so "piscines" and "piscine" meet."""
    if word.isdigit() or len(word) <= 3:
        return word
    if word.endswith("aux") and len(word) > 5:
        word = word[:-3] + "al"
    elif word[-1] in "sx" and len(word) > 4:
        word = word[:-1]
    for suffix in ("ements", "ement", "ations", "ation", "euses", "euse", "ees", "ee", "er", "ez", "es", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def words(text: str) -> list[str]:
    """Accent-folded words of ``text`` (URLs and elided articles removed), stopwords kept."""
    text = URL_RE.sub(" ", fold(text))
    text = _ELISION_RE.sub(" ", text)
    return _TOKEN_RE.findall(text)


def tokens(text: str) -> list[str]:
    """What the lexical index stores and looks up: stems of the meaningful words."""
    return [stem(word) for word in words(text) if word not in STOPWORDS]


def has_content(text: str) -> bool:
    """False for what cannot be a question: only emoji, punctuation, links or @mentions."""
    remainder = MENTION_RE.sub(" ", URL_RE.sub(" ", text))
    return any(unicodedata.category(char)[0] in "LN" for char in remainder)
