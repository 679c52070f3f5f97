"""One list of departments: the slugs the documentation names, one French name each, seeded as is."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from guichet.contract.departments import DEPARTMENT_LABELS, DEPARTMENTS, department_label
from guichet.crud.agents import ensure_departments
from guichet.models import Department
from guichet.settings import PROJECT_ROOT


def test_the_documented_slugs_are_the_contracts() -> None:
    section = (PROJECT_ROOT / "docs" / "architecture.md").read_text().split("## Departments (slugs)")[1]
    documented = set(re.findall(r"`([a-z-]+)`", section.split("Problem types")[0]))
    assert documented == DEPARTMENTS


def test_an_unrouted_request_is_named_after_the_front_desk() -> None:
    assert department_label(None) == "Accueil général"
    assert department_label("solidarites") == "Solidarités (CCAS)"
    assert department_label("inconnu") == "inconnu"


def test_the_database_is_seeded_with_the_same_names(session_factory: sessionmaker[Session]) -> None:
    with session_factory() as session:
        ensure_departments(session)
        seeded = {slug: name for slug, name in session.execute(select(Department.slug, Department.name))}
    assert seeded == DEPARTMENT_LABELS
