"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from handoff_api.db import make_engine
from handoff_api.migrate import upgrade
from handoff_api.models import Base
from handoff_api.settings import Settings


def test_migrated_schema_matches_the_models(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(Settings(var_dir=tmp_path, database_url=database_url, _env_file=None))
    upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []
