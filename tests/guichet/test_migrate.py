"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text as text_sql

from guichet.crud.search import SEARCH_INDEXES, SEARCH_TABLES
from guichet.db import make_engine
from guichet.migrate import alembic_config, upgrade
from guichet.models import Base
from guichet.settings import Settings


def not_search_index(name: str | None, kind: str, _parents: object) -> bool:
    """The full-text search tables and indexes are the database's own machinery, not models (crud.search)."""
    if kind == "table":
        return not (name or "").startswith(SEARCH_TABLES)
    return not (kind == "index" and name in SEARCH_INDEXES)


def test_migrated_schema_matches_the_models(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(Settings(var_dir=tmp_path, database_url=database_url, _env_file=None))
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": not_search_index})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_off_topic_examples_made_from_the_inbox_before_their_source_was_kept_are_found_by_their_text(
        database_url: str, tmp_path: Path) -> None:
    engine = make_engine(Settings(var_dir=tmp_path, database_url=database_url, _env_file=None))
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0009")
    now = datetime.now(UTC)
    with engine.begin() as connection:
        for text, status in (("mon permis de conduire est perdu", "out_of_scope"), ("horaires piscine", "confirmed")):
            connection.execute(text_sql("INSERT INTO kb_inbox (text, decision, hits, source, status, created_at) "
                                        "VALUES (:text, 'handoff', '[]', 'search', :status, :now)"),
                               {"text": text, "status": status, "now": now})
        for text in ("mon permis de conduire est perdu", "horaires piscine", "il fait beau"):
            connection.execute(text_sql("INSERT INTO kb_off_topic (text, kind, status, version, created_at, "
                                        "updated_at) VALUES (:text, 'near_misses', 'published', 1, :now, :now)"),
                               {"text": text, "now": now})
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text_sql("SELECT text, source FROM kb_off_topic")).all()
        sources = {str(text): str(source) for text, source in rows}
    engine.dispose()
    assert sources == {"mon permis de conduire est perdu": "inbox", "horaires piscine": "list", "il fait beau": "list"}
