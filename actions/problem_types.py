"""Canonical problem types of a report, their French label and their department.

NLU synonyms (data/nlu/lookups.yml) map problem words to these keys; free text typed in
the form is matched with KEYWORDS. Anything else is kept as typed and goes to `accueil`.
"""

from __future__ import annotations

from .text_utils import normalize

# key -> (label shown to the citizen, department slug; docs/architecture.md)
PROBLEM_TYPES: dict[str, tuple[str, str]] = {
    "lampadaire": ("lampadaire", "eclairage"),
    "nid_de_poule": ("nid-de-poule", "voirie"),
    "trottoir": ("trottoir abîmé", "voirie"),
    "feu_tricolore": ("feu tricolore", "voirie"),
    "panneau": ("panneau de signalisation", "voirie"),
    "depot_sauvage": ("dépôt sauvage", "proprete"),
    "dechets": ("déchets", "proprete"),
    "graffiti": ("tag ou graffiti", "proprete"),
    "poubelle": ("poubelle pleine ou abîmée", "proprete"),
    "dejection_canine": ("déjections canines", "proprete"),
    "piste_cyclable": ("piste cyclable", "mobilites"),
    "station_velo": ("station vélo", "mobilites"),
    "bruit": ("bruit", "bruit"),
    "arbre": ("arbre ou branche", "accueil"),
    "aire_de_jeux": ("aire de jeux", "accueil"),
    "parc": ("parc ou jardin", "accueil"),
}
DEFAULT_DEPARTMENT = "accueil"

# normalized words (no accents, lower case) that name each problem type
_WORDS: dict[str, tuple[str, ...]] = {
    "lampadaire": (
        "lampadaire",
        "lampadere",
        "reverbere",
        "eclairage",
        "lumiere",
        "ampoule",
        "candelabre",
        "lampadair",
        "lampe",
        "street light",
        "streetlight",
    ),
    "nid_de_poule": (
        "nid de poule",
        "nid-de-poule",
        "nids de poule",
        "nids-de-poule",
        "trou",
        "chaussee",
        "pothole",
        "defonce",
        "nid d poule",
    ),
    "trottoir": ("trottoir", "dalle", "bordure"),
    "feu_tricolore": ("feu rouge", "feu tricolore", "feu", "traffic light", "feu pieton"),
    "panneau": ("panneau", "signalisation", "road sign"),
    "depot_sauvage": (
        "depot sauvage",
        "depots sauvages",
        "encombrant",
        "matelas",
        "depot d ordures",
        "gravats",
        "fly-tipping",
    ),
    "dechets": ("dechet", "ordure", "detritus", "salete", "sale", "litter", "papiers par terre"),
    "graffiti": ("tag", "graffiti", "graf", "graff", "graffitti"),
    "poubelle": ("poubelle", "corbeille", "conteneur", "bac"),
    "dejection_canine": ("crotte", "dejection"),
    "piste_cyclable": ("piste cyclable", "bande cyclable", "voie cyclable", "pistes cyclables", "cycle lane"),
    "station_velo": ("borne velo", "station velo", "velos en libre-service"),
    "bruit": ("bruit", "tapage", "nuisance sonore", "nuisances sonores", "noise", "musique"),
    "arbre": ("arbre", "branche", "tree"),
    "aire_de_jeux": ("aire de jeux", "jeux pour enfants", "toboggan", "balancoire", "jeux", "playground"),
    "parc": ("parc", "jardin public", "pelouse"),
}
# keyword -> key; longest keywords are tried first
KEYWORDS: dict[str, str] = {word: key for key, words in _WORDS.items() for word in words}

_ORDERED = sorted(KEYWORDS.items(), key=lambda item: -len(item[0]))


def canonical_problem(value: str | None) -> str | None:
    """Canonical key for ``value`` (an entity value or free text), or None if unknown."""
    if not value:
        return None
    if value in PROBLEM_TYPES:
        return value
    text = f" {normalize(value)} "
    for keyword, key in _ORDERED:
        # word-prefix match: "poubelles" matches "poubelle", "tags" matches "tag"
        if _starts_word(text, keyword):
            return key
    return None


def _starts_word(text: str, keyword: str) -> bool:
    index = text.find(f" {keyword}")
    while index != -1:
        after = text[index + 1 + len(keyword) :]
        # allow plural / feminine endings only
        suffix = after.split(" ", 1)[0]
        if suffix in ("", "s", "x", "e", "es"):
            return True
        index = text.find(f" {keyword}", index + 1)
    return False


def problem_label(value: str) -> str:
    """What to call the problem in a reply: the canonical label, else the citizen's words."""
    if value in PROBLEM_TYPES:
        return PROBLEM_TYPES[value][0]
    return value


def department_for(value: str | None) -> str:
    key = canonical_problem(value)
    if key is None:
        return DEFAULT_DEPARTMENT
    return PROBLEM_TYPES[key][1]
