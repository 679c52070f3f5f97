"""GUICHET_EMBEDDING_MODEL takes a local folder or, for users with a hub, a hub id; the precision follows the CPU."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge_base.encoder import ModelMissing, Precision, SentenceTransformerEncoder, looks_like_hub_id, use_bfloat16


@pytest.mark.parametrize(("name", "expected"), [
    ("intfloat/multilingual-e5-small", True),
    ("/srv/models/e5", False),
    ("./models/e5", False),
    ("var/models/multilingual-e5-small/extra", False),
    ("e5-small", False),
])
def test_hub_ids_are_told_from_paths(name: str, expected: bool) -> None:
    assert looks_like_hub_id(name) is expected


def test_a_missing_folder_names_itself_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ModelMissing) as error:
        SentenceTransformerEncoder(tmp_path / "absent")
    assert "absent" in str(error.value) and "make install" in str(error.value)


@pytest.mark.parametrize(("precision", "native", "expected"), [
    ("auto", True, True), ("auto", False, False), ("float32", True, False), ("bfloat16", False, True),
])
def test_bfloat16_where_the_cpu_has_it_unless_told(precision: Precision, native: bool, expected: bool,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from knowledge_base import linear

    monkeypatch.setattr(linear, "native_bfloat16", lambda: native)
    assert use_bfloat16(precision) is expected
