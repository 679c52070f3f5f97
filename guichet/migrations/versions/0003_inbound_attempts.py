"""count the attempts at an inbound message

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 16:00:00

Recovery retried an inbound message that always failed forever. Each time a message is taken up for
processing now counts; past ``GUICHET_INBOUND_MAX_ATTEMPTS`` it is given up (``inbound_state = 'failed'``)
and shown to agents.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('messages') as batch:
        batch.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('messages') as batch:
        batch.drop_column('attempts')
