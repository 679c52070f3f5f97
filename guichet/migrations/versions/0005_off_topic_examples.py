"""off-topic examples in the database

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 16:00:00

The messages the FAQ must not answer ("questions we do not handle here") move from a shipped file to
the database, where editors change them with revisions like entries; the knowledge base seeds them
from knowledge_base/off_topic.yml when the table is empty.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import guichet.models.base

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('kb_off_topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', guichet.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', guichet.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_off_topic'))
    )
    op.create_table('kb_off_topic_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('example_id', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('created_at', guichet.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['example_id'], ['kb_off_topic.id'],
                            name=op.f('fk_kb_off_topic_revisions_example_id_kb_off_topic'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kb_off_topic_revisions'))
    )
    with op.batch_alter_table('kb_off_topic_revisions', schema=None) as batch_op:
        batch_op.create_index('ix_kb_off_topic_revisions_example', ['example_id', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('kb_off_topic_revisions', schema=None) as batch_op:
        batch_op.drop_index('ix_kb_off_topic_revisions_example')
    op.drop_table('kb_off_topic_revisions')
    op.drop_table('kb_off_topic')
