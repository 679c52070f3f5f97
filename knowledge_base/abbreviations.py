"""Citizens write "c koi", "cni", "assmat", "hlm": spell such words out before searching.

Text-message spellings are replaced; acronyms and clipped words are kept and followed by what they
stand for, so both the encoder (which knows few of them) and the lexical index find the entry's
own words. The list is general French usage around a town hall, not tuned to any question.
"""

from __future__ import annotations

import re

# written as is -> what it means (a leading "+" keeps the original word before the meaning)
ABBREVIATIONS: dict[str, str] = {
    # text-message French
    "c": "c'est", "koi": "quoi", "kel": "quel", "kelle": "quelle", "pk": "pourquoi", "pq": "pourquoi",
    "bjr": "bonjour", "slt": "salut", "stp": "s'il te plaît", "svp": "s'il vous plaît", "jai": "j'ai",
    "chui": "je suis", "jsuis": "je suis", "ya": "il y a", "yen": "il y en", "qd": "quand", "mtn": "maintenant",
    "tt": "tout", "tjrs": "toujours", "pr": "pour", "ds": "dans", "vs": "vous", "ns": "nous", "qqn": "quelqu'un",
    "qqch": "quelque chose", "bcp": "beaucoup", "dc": "donc", "pcq": "parce que", "auj": "aujourd'hui",
    "ajd": "aujourd'hui", "dmn": "demain", "bb": "bébé", "rdv": "rendez-vous", "dispo": "disponible",
    # clipped and familiar words
    "appart": "+appartement", "apparts": "+appartements", "asso": "+association", "assos": "+associations",
    "ado": "+adolescent", "ados": "+adolescents", "instit": "+instituteur", "instits": "+instituteurs",
    "taf": "travail", "boulot": "+travail", "proprio": "+propriétaire", "gamin": "+enfant", "gamins": "+enfants",
    "gosse": "+enfant", "gosses": "+enfants", "biclou": "vélo", "bécane": "+vélo", "bagnole": "voiture",
    "caisse": "+voiture", "bibli": "+bibliothèque", "biblio": "+bibliothèque", "médiathèque": "+bibliothèque",
    "anniv": "+anniversaire", "aprem": "après-midi", "resto": "+restaurant", "assmat": "+assistante maternelle",
    "nounou": "+assistante maternelle", "crèche": "+crèche petite enfance", "périsco": "+périscolaire",
    "cantoche": "cantine", "ciné": "+cinéma", "expo": "+exposition", "vélib": "+vélo en libre-service",
    # acronyms of French public services
    "cni": "+carte nationale d'identité", "hlm": "+logement social", "alsh": "+accueil de loisirs",
    "dp": "+déclaration préalable", "pc": "+permis de construire", "plu": "+plan local d'urbanisme",
    "caf": "+caisse d'allocations familiales", "apl": "+aide au logement", "rsa": "+revenu de solidarité active",
    "ccas": "+centre communal d'action sociale", "ars": "+allocation de rentrée scolaire",
    "cmi": "+carte mobilité inclusion handicap", "qf": "+quotient familial", "fps": "+forfait post-stationnement",
    "pv": "+amende", "pmr": "+personne handicapée", "rpe": "+relais petite enfance", "pacs": "+pacte civil",
    "p+r": "+parking relais", "sdf": "+sans abri", "edl": "+état des lieux", "ehpad": "+maison de retraite",
}

_WORD = re.compile(r"(?<![\w+])(p\+r|[\wÀ-ÿ]+)(?![\w+])", re.IGNORECASE)


def expand(text: str) -> str:
    """``text`` with its abbreviations spelled out ("c koi la cni" -> "c'est quoi la cni carte nationale...")."""

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        meaning = ABBREVIATIONS.get(word.lower())
        if meaning is None or (word.lower() == "c" and match.end() < len(text) and text[match.end()] == "'"):
            return word
        return f"{word} {meaning[1:]}" if meaning.startswith("+") else meaning

    return _WORD.sub(replace, text)
