"""the Service-public.fr page that held an answer back, kept with the inbox question

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 08:30:00

A citizen's question offered choices because a Service-public.fr page the knowledge base does not hold sits nearer
it than its first entry: the editor sees that page (id, title, link, lead) in the training inbox.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('kb_inbox') as batch:
        batch.add_column(sa.Column('page', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('kb_inbox') as batch:
        batch.drop_column('page')
