"""one open handoff per conversation

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 21:20:00

A crash could leave two open handoffs in one conversation (the action server and the gateway's fallback
both opened one). Older duplicates are resolved, with an event saying why, then a unique index on the open
ones makes the database refuse a second.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = "status IN ('waiting', 'assigned')"
DUPLICATES = f"""
    SELECT id FROM handoffs h WHERE {OPEN} AND EXISTS (
        SELECT 1 FROM handoffs newer WHERE newer.conversation_id = h.conversation_id
        AND newer.{OPEN} AND newer.id > h.id)
"""


def upgrade() -> None:
    op.execute(f"""
        INSERT INTO handoff_events (handoff_id, actor, action, from_status, to_status, created_at)
        SELECT id, 'migration', 'merge', status, 'resolved', CURRENT_TIMESTAMP FROM handoffs
        WHERE id IN ({DUPLICATES})
    """)
    op.execute(f"""
        UPDATE handoffs SET status = 'resolved', resolved_at = CURRENT_TIMESTAMP, updated_at = CURRENT_TIMESTAMP
        WHERE id IN ({DUPLICATES})
    """)
    op.create_index('uq_handoffs_one_open', 'handoffs', ['conversation_id'], unique=True,
                    sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index('uq_handoffs_one_open', table_name='handoffs')
