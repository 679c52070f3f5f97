"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from guichet.crud.search import SEARCH_INDEXES, SEARCH_TABLES
from guichet.db import make_engine
from guichet.migrate import upgrade
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
