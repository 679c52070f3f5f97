"""reference text of an entry, searched but never sent

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 08:10:00

A fiche's full text behind its short answer (``details``): the search reads it, citizens never see it.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('kb_entries') as batch:
        batch.add_column(sa.Column('details', sa.Text(), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('kb_entries') as batch:
        batch.drop_column('details')
