"""The pages' vectors: written once beside the model and read from there, else encoded and cached."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session, sessionmaker

from guichet.db import session_scope
from knowledge_base.hashing_encoder import HashingEncoder
from knowledge_base.national_pages import Page, write_pages
from knowledge_base.page_vectors import PAGES_FILE, national_pages, write_page_vectors


@pytest.fixture
def pages_file(tmp_path: Path) -> Path:
    path = tmp_path / "pages.json.gz"  # a file of this test's own: the process keeps pages per model and file
    write_pages([Page("F1", "Congés payés", "Vos droits.", "u1"), Page("F2", "Prime de précarité", "À la fin.", "u2")],
                path)
    return path


def test_the_vectors_written_beside_the_model_are_read_without_encoding(
        session_factory: sessionmaker[Session], pages_file: Path, tmp_path: Path) -> None:
    writer = HashingEncoder(64)
    written = write_page_vectors(tmp_path, encoder=writer, path=pages_file)
    assert written == tmp_path / PAGES_FILE
    reader = HashingEncoder(64)
    with session_scope(session_factory) as session:
        pages = national_pages(session, encoder=reader, folder=tmp_path, path=pages_file)
    assert reader.calls == 0 and [page.id for page in pages.pages] == ["F1", "F2"]
    assert np.allclose(pages.vectors, writer.encode_passages([page.text for page in pages.pages]))


def test_vectors_of_another_model_are_not_used(session_factory: sessionmaker[Session], pages_file: Path,
                                               tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write_page_vectors(tmp_path, encoder=HashingEncoder(32), path=pages_file)
    reader = HashingEncoder(48)
    with caplog.at_level(logging.WARNING, logger="guichet.kb"), session_scope(session_factory) as session:
        pages = national_pages(session, encoder=reader, folder=tmp_path, path=pages_file)
    assert reader.calls > 0 and pages.vectors.shape == (2, 48)
    assert any(PAGES_FILE in record.getMessage() and "hashing:32" in record.getMessage() for record in caplog.records)


def test_vectors_of_another_pages_file_are_not_used(session_factory: sessionmaker[Session], pages_file: Path,
                                                    tmp_path: Path) -> None:
    write_page_vectors(tmp_path, encoder=HashingEncoder(40), path=pages_file)
    newer = tmp_path / "newer.json.gz"
    write_pages([Page("F1", "Congés payés", "Vos droits, mis à jour.", "u1")], newer)
    reader = HashingEncoder(40)
    with session_scope(session_factory) as session:
        pages = national_pages(session, encoder=reader, folder=tmp_path, path=newer)
    assert reader.calls > 0 and pages.vectors.shape == (1, 40)
