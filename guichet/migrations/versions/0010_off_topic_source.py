"""where an off-topic example comes from: the written list, or a citizen's question marked out of scope in the inbox

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 18:30:00

The written list (the shipped seed, the console) sets the level a question must reach to be answered; a question
marked out of scope in the training inbox holds back its neighbours only. Examples made from the inbox before this
revision are found by their text: an inbox item decided out of scope with the same text.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('kb_off_topic') as batch:
        batch.add_column(sa.Column('source', sa.String(length=10), server_default='list', nullable=False))
    op.execute("UPDATE kb_off_topic SET source = 'inbox' WHERE text IN "
               "(SELECT text FROM kb_inbox WHERE status = 'out_of_scope')")


def downgrade() -> None:
    with op.batch_alter_table('kb_off_topic') as batch:
        batch.drop_column('source')
