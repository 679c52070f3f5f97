"""the editors' training inbox

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 19:00:00

Citizen questions (masked) with the bot's decision and top 3, agents' proposals, and the label an
editor gives (confirmed as a variant, out of scope, new entry, dismissed).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import guichet.models.base

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('kb_inbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('search_log_id', sa.Integer(), nullable=True),
    sa.Column('conversation_id', sa.String(length=32), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('hits', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('proposal', sa.JSON(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('entry_id', sa.String(length=120), nullable=True),
    sa.Column('decided_by', sa.String(length=80), nullable=True),
    sa.Column('decided_at', guichet.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', guichet.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_inbox'))
    )
    with op.batch_alter_table('kb_inbox', schema=None) as batch_op:
        batch_op.create_index('ix_kb_inbox_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index('ix_kb_inbox_conversation', ['conversation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('kb_inbox', schema=None) as batch_op:
        batch_op.drop_index('ix_kb_inbox_conversation')
        batch_op.drop_index('ix_kb_inbox_status_created')
    op.drop_table('kb_inbox')
