"""Development only, before the first release: rewrite migration 0001 from the current models."""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from guichet.migrate import MIGRATIONS, alembic_config

for old in (MIGRATIONS / "versions").glob("0001_*.py"):
    old.unlink()
with tempfile.TemporaryDirectory() as folder:
    config = alembic_config(f"sqlite:///{Path(folder) / 'empty.db'}")
    command.revision(config, message="initial schema", autogenerate=True, rev_id="0001")
