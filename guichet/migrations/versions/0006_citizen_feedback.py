"""citizen feedback on automatic answers and on a person's help

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 19:00:00

« Cette réponse vous aide ? » on every automatic answer (web chat buttons, or a short negative reply on
the text channels) and 👍/👎 after an agent resolved a request: one row per rated answer or handoff,
linked to the knowledge-base search that produced the answer (docs/feedback.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import guichet.models.base

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('citizen_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('conversation_id', sa.String(length=32), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('search_log_id', sa.Integer(), nullable=True),
    sa.Column('handoff_id', sa.Integer(), nullable=True),
    sa.Column('reply_message_id', sa.Integer(), nullable=True),
    sa.Column('faq_id', sa.String(length=120), nullable=True),
    sa.Column('department', sa.String(length=40), nullable=True),
    sa.Column('created_at', guichet.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', guichet.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'],
                            name=op.f('fk_citizen_feedback_conversation_id_conversations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['handoff_id'], ['handoffs.id'],
                            name=op.f('fk_citizen_feedback_handoff_id_handoffs'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'],
                            name=op.f('fk_citizen_feedback_message_id_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reply_message_id'], ['messages.id'],
                            name=op.f('fk_citizen_feedback_reply_message_id_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['search_log_id'], ['kb_search_log.id'],
                            name=op.f('fk_citizen_feedback_search_log_id_kb_search_log'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citizen_feedback')),
    sa.UniqueConstraint('handoff_id', name=op.f('uq_citizen_feedback_handoff_id')),
    sa.UniqueConstraint('message_id', name=op.f('uq_citizen_feedback_message_id'))
    )
    with op.batch_alter_table('citizen_feedback', schema=None) as batch_op:
        batch_op.create_index('ix_citizen_feedback_conversation', ['conversation_id'], unique=False)
        batch_op.create_index('ix_citizen_feedback_kind_created', ['kind', 'created_at'], unique=False)
        batch_op.create_index('ix_citizen_feedback_search_log', ['search_log_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('citizen_feedback', schema=None) as batch_op:
        batch_op.drop_index('ix_citizen_feedback_search_log')
        batch_op.drop_index('ix_citizen_feedback_kind_created')
        batch_op.drop_index('ix_citizen_feedback_conversation')
    op.drop_table('citizen_feedback')
