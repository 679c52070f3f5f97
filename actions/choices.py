"""Understanding the citizen's pick after a clarification question.

``parse_choice`` returns the index (0-based) of the chosen option, ``NONE_FITS`` when the
citizen says that no option fits, or None when the message is something else (a new question).
"""

from __future__ import annotations

from typing import Any

from .text_utils import normalize

NONE_FITS = "none"

ORDINALS: dict[str, int] = {
    "1": 0,
    "un": 0,
    "une": 0,
    "premier": 0,
    "premiere": 0,
    "1er": 0,
    "1ere": 0,
    "1re": 0,
    "first": 0,
    "one": 0,
    "2": 1,
    "deux": 1,
    "deuxieme": 1,
    "second": 1,
    "seconde": 1,
    "2e": 1,
    "2eme": 1,
    "2nd": 1,
    "two": 1,
    "3": 2,
    "trois": 2,
    "troisieme": 2,
    "3e": 2,
    "3eme": 2,
    "third": 2,
    "three": 2,
    "4": 3,
    "quatre": 3,
    "quatrieme": 3,
    "4e": 3,
    "4eme": 3,
    "5": 4,
    "cinq": 4,
    "cinquieme": 4,
    "5e": 4,
    "5eme": 4,
}
LAST_WORDS = {"dernier", "derniere", "last"}
# words that may surround a number in a short pick: "je prends le 2 svp"
FILLER = {
    "le",
    "la",
    "l",
    "les",
    "c",
    "est",
    "ce",
    "n",
    "no",
    "num",
    "numero",
    "choix",
    "option",
    "reponse",
    "je",
    "j",
    "prends",
    "prend",
    "choisis",
    "choisi",
    "veux",
    "plutot",
    "svp",
    "stp",
    "merci",
    "s",
    "il",
    "vous",
    "plait",
    "the",
    "one",
    "number",
    "ok",
    "oui",
    "alors",
    "euh",
    "bah",
    "ben",
    "celle",
    "celui",
    "ci",
    "de",
    "du",
    "sujet",
    "question",
}
STRONG_NONE = {"aucun", "aucune", "aucuns", "none", "rien", "ni", "neither"}
WEAK_NONE = {"non", "nan", "no", "nope", "nn", "pas"}
STOPWORDS = {
    "le",
    "la",
    "les",
    "l",
    "un",
    "une",
    "des",
    "de",
    "du",
    "d",
    "et",
    "ou",
    "a",
    "au",
    "aux",
    "en",
    "pour",
    "par",
    "sur",
    "dans",
    "avec",
    "est",
    "ce",
    "c",
    "ca",
    "je",
    "j",
    "vous",
    "mon",
    "ma",
    "mes",
    "votre",
    "vos",
    "comment",
    "quel",
    "quels",
    "quelle",
    "quelles",
    "quand",
    "qui",
    "que",
    "qu",
    "quoi",
    "il",
    "y",
    "on",
    "faire",
    "peut",
    "plutot",
    "parler",
    "celle",
    "celui",
    "sujet",
    "question",
    "svp",
    "stp",
    "merci",
    "oui",
    "the",
    "of",
    "to",
    "pas",
    "ne",
    "se",
    "s",
    "sont",
}


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith(("s", "x")) else word


def _content_words(text: str) -> set[str]:
    return {_stem(w) for w in normalize(text).split() if len(w) > 2 and w not in STOPWORDS}


def parse_choice(text: str, options: list[dict[str, Any]], intent: str | None = None) -> int | str | None:
    count = len(options)
    tokens = normalize(text).replace("-", " ").split()
    if not tokens and intent != "deny":
        return None
    token_set = set(tokens)

    if token_set & STRONG_NONE:
        return NONE_FITS

    meaningful = [t for t in tokens if t not in FILLER]
    if len(tokens) <= 6:
        # ordinal words count only when the message is nothing else ("la deuxième", "le 2 svp");
        # a bare digit counts in any short message ("2 les horaires")
        only_ordinals = bool(meaningful) and all(t in ORDINALS or t in LAST_WORDS for t in meaningful)
        picks = {ORDINALS[t] for t in meaningful if t in ORDINALS and (only_ordinals or t.isdigit())}
        if only_ordinals and token_set & LAST_WORDS:
            picks.add(count - 1)
        picks = {p for p in picks if 0 <= p < count}
        if len(picks) == 1:
            return picks.pop()

    if intent == "deny" or (len(tokens) <= 4 and token_set & WEAK_NONE):
        return NONE_FITS
    if tokens in (["c", "pas", "ca"], ["ce", "n", "est", "pas", "ca"]):
        return NONE_FITS

    return match_by_words(text, options)


def match_by_words(text: str, options: list[dict[str, Any]]) -> int | None:
    """Index of the option whose question shares the most words with ``text``, if unique."""
    said = _content_words(text)
    if not said:
        return None
    scores = [len(said & _content_words(str(option.get("question", "")))) for option in options]
    best = max(scores, default=0)
    if best == 0 or scores.count(best) > 1:
        return None
    return scores.index(best)
