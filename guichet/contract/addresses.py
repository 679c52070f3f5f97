"""Street addresses in free French text: "12 rue Victor Hugo", "3 bis avenue de la Gare", "rue de la Paix".

An address starts at an optional house number (with bis/ter/quater) and a street type, and runs
over the street's name: connectors (de, la, du, l'…) and up to five words, stopping at punctuation,
a long number (a postal code) or a word that cannot be part of a name ("depuis", "il", "est"…).

Without a house number, common nouns that are also street types ("place", "cours", "route"…)
count only when the name is capitalised: "place de la République" is masked, "une place en
crèche" and "une place de parking" are not.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from guichet.contract.text import fold

STRONG_TYPES = ("rue", "ruelle", "avenue", "av", "boulevard", "bd", "bld", "impasse", "quai", "allee")
WEAK_TYPES = ("place", "chemin", "route", "cours", "square", "passage", "voie", "cite", "residence", "villa",
              "promenade", "esplanade", "parvis", "rond-point", "sentier", "hameau", "lotissement", "faubourg",
              "mail", "sente", "venelle", "traverse", "montee", "cour")
MAX_NAME_WORDS = 5

_TYPE_ALTERNATIVES = "|".join(sorted(
    {"allée", "cité", "résidence", "montée", *STRONG_TYPES, *WEAK_TYPES}, key=len, reverse=True))
_START_RE = re.compile(
    r"(?<![\w\[])(?P<number>(?:n°\s*)?\d{1,4}(?:\s*(?:bis|ter|quater)|[abt])?\s*,?\s+)?"
    rf"(?P<type>{_TYPE_ALTERNATIVES})\.?(?![\w-])",
    re.IGNORECASE,
)
_TOKEN_RE = re.compile(r"[ \t]+([^\s,.;:!?()\[\]{}«»\"/]+)")
_ELISION_RE = re.compile(r"^(?:[ld]|qu)['’]", re.IGNORECASE)

CONNECTORS = frozenset({"de", "du", "des", "la", "le", "les", "l'", "d'", "l’", "d’", "saint", "sainte", "st", "ste"})
STOP_WORDS = frozenset({
    "a", "au", "aux", "et", "ou", "pour", "par", "mais", "car", "donc", "que", "qui", "quoi", "quand", "comme",
    "depuis", "devant", "derriere", "pres", "proche", "entre", "vers", "avec", "sans", "sous", "sur", "dans", "chez",
    "en", "il", "elle", "ils", "elles", "je", "j", "on", "nous", "vous", "tu", "y", "est", "sont", "etait", "etaient",
    "ont", "ai", "as", "avait", "ce", "cet", "cette", "ces", "c", "ca", "mon", "ma", "mes", "ton", "ta", "tes", "son",
    "sa", "ses", "notre", "votre", "nos", "vos", "leur", "leurs", "un", "une", "n", "ne", "pas", "plus", "tres", "si",
    "hier", "aujourd", "demain", "matin", "soir", "nuit", "semaine", "jour", "jours", "bonjour", "merci", "svp",
    "stp", "s", "ya", "cote", "face", "niveau", "hauteur", "angle", "coin", "pendant", "apres", "avant", "lors",
    "puis", "alors", "encore", "toujours", "deja", "jamais", "ici", "la-bas", "voici", "voila", "me", "te", "se",
    "lui"
})


def _name_end(text: str, start: int, *, needs_capital: bool) -> int | None:
    """Where the street's name that begins at ``start`` ends, or None when there is no name."""
    position, end, words = start, None, 0
    while words < MAX_NAME_WORDS:
        match = _TOKEN_RE.match(text, position)
        if match is None:
            break
        token = match.group(1)
        elided = _ELISION_RE.match(token)
        word = token[elided.end():] if elided else token
        folded = fold(word).strip("'’-")
        if not word:  # a lone "l'" or "d'"
            position = match.end()
            continue
        if folded in CONNECTORS and not elided:
            position = match.end()
            continue
        if not folded or folded in STOP_WORDS or word.startswith("["):
            break
        if folded.isdigit() and len(folded) > 2:
            break
        if needs_capital and words == 0 and not word[0].isupper():
            break
        words += 1
        end = position = match.end()
    return end


def redact_addresses(text: str, *, placeholder: str = "[adresse]",
                     keep: Callable[[str], str] | None = None) -> str:
    """``text`` with each address replaced by ``placeholder`` (or by ``keep(address)`` if given)."""
    pieces: list[str] = []
    cursor = 0
    for match in _START_RE.finditer(text):
        if match.start() < cursor:
            continue
        street_type = fold(match.group("type").lower())
        numbered = match.group("number") is not None
        needs_capital = not numbered and street_type not in STRONG_TYPES
        end = _name_end(text, match.end(), needs_capital=needs_capital)
        if end is None:
            continue
        address = text[match.start():end]
        pieces.append(text[cursor:match.start()])
        pieces.append(keep(address) if keep is not None else placeholder)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def without_house_number(address: str) -> str:
    """ "12 bis rue de la Paix" -> "rue de la Paix": the street, not the home."""
    match = _START_RE.match(address)
    if match is None or match.group("number") is None:
        return address
    return address[match.start("type"):]
