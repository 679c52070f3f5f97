"""Department slugs (docs/architecture.md) and their French names, for agents and citizens alike.

The names are those the console has always shown and the database is seeded with (they say what each service
covers: "Propreté et déchets", "Vélo et transports"); the one exception, "Solidarités (CCAS)", keeps the name the
FAQ and the citizens use. A department renamed by an administrator keeps its database name in the console.
"""

DEPARTMENT_LABELS: dict[str, str] = {
    "accueil": "Accueil général",
    "etat-civil": "État civil",
    "papiers": "Papiers d'identité",
    "elections": "Élections",
    "urbanisme": "Urbanisme",
    "voirie": "Voirie",
    "proprete": "Propreté et déchets",
    "eclairage": "Éclairage public",
    "sports": "Piscines et sports",
    "culture": "Culture",
    "bibliotheques": "Bibliothèques et conservatoire",
    "ecoles": "Écoles",
    "periscolaire": "Cantine et périscolaire",
    "petite-enfance": "Petite enfance",
    "stationnement": "Stationnement",
    "mobilites": "Vélo et transports",
    "logement": "Logement",
    "solidarites": "Solidarités (CCAS)",
    "animaux": "Animaux",
    "bruit": "Bruit et voisinage",
    "cimetieres": "Cimetières",
}
DEPARTMENTS = frozenset(DEPARTMENT_LABELS)
DEFAULT_DEPARTMENT = "accueil"  # the general front desk: anything unrouted


def department_label(slug: str | None) -> str:
    if not slug:
        return DEPARTMENT_LABELS[DEFAULT_DEPARTMENT]
    return DEPARTMENT_LABELS.get(slug, slug)
