"""Department slugs (docs/architecture.md) and how to name them in French."""

DEPARTMENT_LABELS: dict[str, str] = {
    "etat-civil": "État civil",
    "papiers": "Papiers d'identité",
    "elections": "Élections",
    "urbanisme": "Urbanisme",
    "voirie": "Voirie",
    "proprete": "Propreté",
    "eclairage": "Éclairage public",
    "sports": "Sports",
    "culture": "Culture",
    "bibliotheques": "Bibliothèques",
    "ecoles": "Écoles",
    "periscolaire": "Périscolaire",
    "petite-enfance": "Petite enfance",
    "stationnement": "Stationnement",
    "mobilites": "Mobilités",
    "logement": "Logement",
    "solidarites": "Solidarités (CCAS)",
    "animaux": "Animaux",
    "bruit": "Bruit",
    "cimetieres": "Cimetières",
    "accueil": "Accueil",
}
DEPARTMENTS = frozenset(DEPARTMENT_LABELS)


def department_label(slug: str | None) -> str:
    if not slug:
        return DEPARTMENT_LABELS["accueil"]
    return DEPARTMENT_LABELS.get(slug, slug)
