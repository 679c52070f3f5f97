"""A foreign FAQ's fiches are found in whichever audience's folder of the package holds them."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge_base.foreign_faq import fiche_files, foreign_entries

FIXTURES = Path(__file__).parent / "fixtures" / "fiches" / "json"


def test_fiches_for_businesses_and_associations_are_found_beside_the_citizens(tmp_path: Path) -> None:
    package = tmp_path / "package"
    for audience, name in (("particuliers", "F1357.json"), ("associations", "F2468.json")):
        (package / "data" / audience).mkdir(parents=True)
        (package / "data" / audience / name).write_bytes((FIXTURES / name).read_bytes())
    assert fiche_files(package, "F2468") == [package / "data" / "associations" / "F2468.json"]
    assert [entry.id for entry in foreign_entries(package, ["F2468", "F1357"])] == ["sp-f2468", "sp-f1357"]
    with pytest.raises(FileNotFoundError, match=r"fiche F9999: no F9999\.json under"):
        fiche_files(package, "F9999")


def test_an_id_that_names_another_kind_of_page_in_one_folder_takes_the_question_answer_fiche(tmp_path: Path) -> None:
    package = tmp_path / "package"
    for audience in ("particuliers", "professionnels"):
        (package / "data" / audience).mkdir(parents=True)
    (package / "data" / "particuliers" / "F2468.json").write_text('{"id": "F2468", "children": []}')
    (package / "data" / "professionnels" / "F2468.json").write_bytes((FIXTURES / "F2468.json").read_bytes())
    assert len(fiche_files(package, "F2468")) == 2
    assert [entry.id for entry in foreign_entries(package, ["F2468"])] == ["sp-f2468"]
    (package / "data" / "professionnels" / "F2468.json").write_text('{"id": "F2468", "children": []}')
    with pytest.raises(ValueError, match=r"particuliers/F2468\.json: .*; .*professionnels/F2468\.json: "):
        foreign_entries(package, ["F2468"])
