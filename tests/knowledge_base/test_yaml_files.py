from __future__ import annotations

import threading
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from guichet.models import EmbeddingCache, KBEntry
from knowledge_base import store
from knowledge_base.hashing_encoder import HashingEncoder
from knowledge_base.loader import CacheWarmer
from knowledge_base.validation import EntryData
from knowledge_base.yaml_files import export_path, import_path

from .conftest import SAMPLE


def entries(session_factory: sessionmaker[Session]) -> dict[str, dict[str, object]]:
    with session_scope(session_factory) as session:
        return {e.id: store.entry_data(e).as_dict() for e in session.query(KBEntry)}


def test_import_then_export_reimports_identically(session_factory: sessionmaker[Session], sample_file: Path,
                                                   tmp_path: Path) -> None:
    report = import_path(session_factory, sample_file, actor="test")
    assert report.ok and sorted(report.files[0].created) == ["papiers-carte-identite", "piscines-horaires",
                                                              "piscines-tarifs"]
    before = entries(session_factory)
    assert before["piscines-tarifs"]["department"] == "sports"  # the file's default department
    with session_scope(session_factory) as session:
        store.publish_entry(session, entry_id="piscines-tarifs", actor="x")  # already published: no-op
        store.delete_entry(session, entry_id="papiers-carte-identite", actor="x")
    for target in (tmp_path / "one.yml", tmp_path / "folder"):
        with session_scope(session_factory) as session:
            written = export_path(session, target)
        assert written
        text = "".join(p.read_text(encoding="utf-8") for p in written)
        assert "papiers-carte-identite" not in text  # deleted entries are not exported
        # importing the export changes nothing, and the export of a fresh import is the same text
        again = import_path(session_factory, target, actor="test")
        assert again.ok and again.changed == []
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    from guichet.db import make_engine, make_session_factory
    from guichet.migrate import upgrade
    from guichet.settings import Settings

    engine = make_engine(Settings(var_dir=fresh))
    upgrade(engine)
    other = make_session_factory(engine)
    assert import_path(other, tmp_path / "one.yml", actor="test").ok
    with session_scope(other) as session:
        export_path(session, tmp_path / "two.yml")
    assert (tmp_path / "two.yml").read_text(encoding="utf-8") == (tmp_path / "one.yml").read_text(encoding="utf-8")
    assert {k: v for k, v in entries(other).items()} == {k: v for k, v in before.items()
                                                          if k != "papiers-carte-identite"}
    engine.dispose()


def test_reimport_updates_by_id_with_a_revision(session_factory: sessionmaker[Session], sample_file: Path) -> None:
    import_path(session_factory, sample_file, actor="first")
    sample_file.write_text(SAMPLE.replace("Tout est sur notre page.", "Voir la page."), encoding="utf-8")
    report = import_path(session_factory, sample_file, actor="second")
    assert report.files[0].updated == ["piscines-horaires"] and len(report.files[0].unchanged) == 2
    with session_scope(session_factory) as session:
        revisions = store.revisions(session, entry_id="piscines-horaires")
        assert [(r.actor, r.action) for r in revisions] == [("first", "create"), ("second", "import")]


LONG = "Une phrase assez longue pour dépasser la limite. " * 7
INVALID = {
    "yaml": ("entries:\n  - id: a\n    question: [oops\n", "invalid YAML at line"),
    "not-a-list": ("entries: 3\n", "'entries:' list"),
    "missing": ("entries:\n  - id: sans-reponse\n    question: Q ?\n    department: accueil\n",
                "entry 'sans-reponse': missing field 'answer'"),
    "duplicate": ("department: accueil\nentries:\n  - {id: a, question: Q, answer: R}\n"
                  "  - {id: a, question: Q2, answer: R2}\n", "entries[2]: entry 'a': duplicate id in this file"),
    "too-long": (f"entries:\n  - {{id: long, question: Q, answer: '{LONG}', department: accueil}}\n",
                 f"entry 'long': answer is {len(LONG.strip())} weighted characters, the limit is 280"),
    "department": ("entries:\n  - {id: d, question: Q, answer: R, department: lune}\n",
                   "entry 'd': department 'lune' is not one of"),
    "unknown-field": ("entries:\n  - {id: u, question: Q, answer: R, department: accueil, questoin: x}\n",
                      "entry 'u': unknown field(s) 'questoin'"),
    "bad-id": ("entries:\n  - {id: 'Pas Bon', question: Q, answer: R, department: accueil}\n",
               "entry id 'Pas Bon'"),
    "bad-url": ("entries:\n  - {id: w, question: Q, answer: R, department: accueil, url: 'ftp://x'}\n",
                "entry 'w': url 'ftp://x'"),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_file_is_refused_whole_and_nothing_is_lost(case: str, session_factory: sessionmaker[Session],
                                                           sample_file: Path, tmp_path: Path) -> None:
    import_path(session_factory, sample_file, actor="test")
    before = entries(session_factory)
    content, message = INVALID[case]
    # a valid entry first: it must not be stored either
    bad = tmp_path / f"{case}.yml"
    bad.write_text(content.replace("entries:\n", "entries:\n  - {id: piscines-horaires, question: 'Changé ?', "
                                   "answer: 'Changé.', department: sports}\n", 1), encoding="utf-8")
    report = import_path(session_factory, bad, actor="test")
    assert not report.ok
    assert str(bad) == str(report.files[0].path)
    assert message in (report.files[0].error or ""), report.files[0].error
    assert report.lines()[0].startswith(f"refused {bad}: ")
    assert entries(session_factory) == before


def test_folder_import_keeps_the_valid_files(session_factory: sessionmaker[Session], tmp_path: Path) -> None:
    folder = tmp_path / "faq"
    folder.mkdir()
    (folder / "a.yml").write_text("department: accueil\nentries:\n  - {id: x1, question: Q, answer: R}\n")
    (folder / "b.yml").write_text("department: accueil\nentries:\n  - {id: x1, question: Q, answer: R}\n")
    (folder / "c.yml").write_text("department: accueil\nentries:\n  - {id: x2, question: Q, answer: R}\n")
    report = import_path(session_factory, folder, actor="test")
    assert [r.error is None for r in report.files] == [True, False, True]
    assert "entry 'x1': duplicate id, already in" in (report.files[1].error or "")
    assert set(entries(session_factory)) == {"x1", "x2"}


def test_export_is_plain_yaml(session_factory: sessionmaker[Session], sample_file: Path, tmp_path: Path) -> None:
    import_path(session_factory, sample_file, actor="test")
    with session_scope(session_factory) as session:
        (path,) = export_path(session, tmp_path / "out.yml")
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = document["entries"][0]
    assert list(first)[:4] == ["id", "question", "answer", "department"]
    assert "status" not in first  # published is the default


def test_details_round_trip_and_are_searched(session_factory: sessionmaker[Session], tmp_path: Path) -> None:
    from knowledge_base.hashing_encoder import HashingEncoder

    from .conftest import make_knowledge_base

    source = tmp_path / "fiches.yml"
    source.write_text(yaml.safe_dump({"department": "proprete", "entries": [
        {"id": "sp-f31", "question": "Peut-on brûler ses déchets verts ?", "answer": "Non, c'est interdit.",
         "details": "Une amende de 450 euros est prévue. Le compost et la déchetterie les reçoivent."},
        {"id": "sp-f32", "question": "Quand passe la collecte des encombrants ?", "answer": "Sur rendez-vous."},
    ]}, allow_unicode=True), encoding="utf-8")
    assert import_path(session_factory, source, actor="test").ok
    with session_scope(session_factory) as session:
        written = export_path(session, tmp_path / "export.yml")
    exported = yaml.safe_load(written[0].read_text(encoding="utf-8"))["entries"]
    assert [e.get("details") for e in exported] == [
        "Une amende de 450 euros est prévue. Le compost et la déchetterie les reçoivent.", None]
    again = import_path(session_factory, written[0], actor="test")
    assert again.ok and again.changed == []
    knowledge_base = make_knowledge_base(session_factory, HashingEncoder(dim=64))
    hits = knowledge_base.search("amende compost déchetterie").hits
    assert hits and hits[0].id == "sp-f31"
    assert "450" not in hits[0].answer  # the details are searched, never sent


def test_the_vectors_are_computed_before_any_entry_is_written(session_factory: sessionmaker[Session],
                                                                sample_file: Path, write_lock: threading.Lock) -> None:
    """On SQLite a write holds the file's lock: an import that encoded after writing kept the running application's
    writers waiting for as long as the model took (minutes for a thousand fiches)."""
    encoder = HashingEncoder(64)
    warmer = CacheWarmer(encoder)
    seen: list[tuple[bool, int]] = []

    def before_writing(session: Session, entries: list[EntryData]) -> None:
        warmer(session, entries)
        seen.append((write_lock.locked(), len(entries)))

    report = import_path(session_factory, sample_file, actor="test", before_writing=before_writing)
    assert seen == [(False, len(report.files[0].created))] and encoder.calls > 0
    with session_scope(session_factory) as session:  # the vectors cached with the entries, in the same commit
        assert session.scalar(select(func.count()).select_from(EmbeddingCache)) == len(encoder.encoded)
    calls = encoder.calls
    import_path(session_factory, sample_file, actor="again", before_writing=before_writing)
    assert seen[-1] == (False, len(report.files[0].created)) and encoder.calls == calls  # unchanged: from the cache
