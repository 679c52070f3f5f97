"""Each test gets its own SQLite file, migrated, and a knowledge base on the hashing stand-in encoder."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from guichet.settings import Settings
from knowledge_base.hashing_encoder import HashingEncoder
from knowledge_base.service import KnowledgeBase

FIXTURES = Path(__file__).parent / "fixtures"

SAMPLE = """\
department: sports
entries:
  - id: piscines-horaires
    question: "Quels sont les horaires des piscines municipales ?"
    answer: "Les horaires changent selon la piscine et la période. Tout est sur notre page."
    url: "https://www.ville.example/piscines"
    tags: [piscine, horaires]
    variants: ["piscine ouverte le dimanche ?", "horaires piscine vacances"]
  - id: piscines-tarifs
    question: "Combien coûte l'entrée à la piscine municipale ?"
    answer: "Entrée à l'unité, carte de 10 entrées ou abonnement ; tarifs réduits sur justificatif."
    tags: [piscine, tarifs]
  - id: papiers-carte-identite
    question: "Quels documents pour faire ma carte d'identité ?"
    answer: "Prenez rendez-vous, remplissez la pré-demande en ligne et apportez photo et justificatif de domicile."
    department: papiers
    variants: ["renouveler CNI", "carte nationale d'identité périmée"]
"""


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The tests' settings (tests/conftest.py) with the hashing encoder and no FAQ seeded at start."""
    return settings.model_copy(update={"embedding_model": "hashing", "seed_faq_on_start": False,
                                       "faq_path": tmp_path / "faq"})


@pytest.fixture
def sample_file(tmp_path: Path) -> Path:
    path = tmp_path / "sample.yml"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


@pytest.fixture
def encoder() -> HashingEncoder:
    return HashingEncoder(256)


def make_knowledge_base(session_factory: sessionmaker[Session], encoder: HashingEncoder) -> KnowledgeBase:
    knowledge_base = KnowledgeBase(encoder=encoder, session_factory=session_factory, dim=encoder.dim, sync_seconds=-1)
    knowledge_base.load()
    return knowledge_base
