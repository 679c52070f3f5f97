"""console tools: canned replies, availability, forced password change, routing flags, full-text search

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 16:00:00

Full-text search: on SQLite, two FTS5 indexes with external content (``messages_fts`` over the messages'
text, ``handoffs_fts`` over each handoff's reference and summary). Handoffs are indexed by triggers; new
messages are indexed by each search, up to ``messages_fts_cursor`` (a trigger on every citizen message
lengthened the writers' transactions enough to make concurrent web chat inserts fail with "database is
locked"); deleted or changed messages leave the index through triggers, once indexed. On PostgreSQL, GIN
indexes on the same columns' ``to_tsvector('french', ...)``, which the search queries repeat word for word.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import guichet.models.base

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2'"
INDEXED = "old.id <= (SELECT indexed FROM messages_fts_cursor)"
SQLITE = [
    f"CREATE VIRTUAL TABLE messages_fts USING fts5(text, content='messages', content_rowid='id', {TOKENIZE})",
    "CREATE TABLE messages_fts_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), indexed INTEGER NOT NULL)",
    "INSERT INTO messages_fts_cursor (id, indexed) SELECT 1, COALESCE(MAX(id), 0) FROM messages",
    f"""CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN {INDEXED} BEGIN
         INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text); END""",
    f"""CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages WHEN {INDEXED} BEGIN
         INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
         INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text); END""",
    "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
    f"""CREATE VIRTUAL TABLE handoffs_fts USING fts5(reference, summary, content='handoffs', content_rowid='id',
         {TOKENIZE})""",
    """CREATE TRIGGER handoffs_fts_insert AFTER INSERT ON handoffs BEGIN
         INSERT INTO handoffs_fts(rowid, reference, summary) VALUES (new.id, new.reference, new.summary); END""",
    """CREATE TRIGGER handoffs_fts_delete AFTER DELETE ON handoffs BEGIN
         INSERT INTO handoffs_fts(handoffs_fts, rowid, reference, summary)
         VALUES ('delete', old.id, old.reference, old.summary); END""",
    """CREATE TRIGGER handoffs_fts_update AFTER UPDATE OF reference, summary ON handoffs BEGIN
         INSERT INTO handoffs_fts(handoffs_fts, rowid, reference, summary)
         VALUES ('delete', old.id, old.reference, old.summary);
         INSERT INTO handoffs_fts(rowid, reference, summary) VALUES (new.id, new.reference, new.summary); END""",
    "INSERT INTO handoffs_fts(handoffs_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = ["DROP TRIGGER messages_fts_delete", "DROP TRIGGER messages_fts_update", "DROP TABLE messages_fts",
               "DROP TABLE messages_fts_cursor", "DROP TRIGGER handoffs_fts_insert",
               "DROP TRIGGER handoffs_fts_delete", "DROP TRIGGER handoffs_fts_update", "DROP TABLE handoffs_fts"]
POSTGRES = [
    "CREATE INDEX ix_messages_text_fts ON messages USING gin (to_tsvector('french', text))",
    "CREATE INDEX ix_handoffs_text_fts ON handoffs USING gin (to_tsvector('french', reference || ' ' || summary))",
]
POSTGRES_DOWN = ["DROP INDEX ix_messages_text_fts", "DROP INDEX ix_handoffs_text_fts"]


def upgrade() -> None:
    op.create_table(
        'canned_replies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('updated_by', sa.String(length=80), nullable=False),
        sa.Column('created_at', guichet.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', guichet.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_canned_replies')),
        sa.UniqueConstraint('title', name=op.f('uq_canned_replies_title')),
    )
    op.add_column('agents', sa.Column('available', sa.Boolean(), server_default=sa.true(), nullable=False))
    op.add_column('agents', sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.add_column('handoffs', sa.Column('assigned_at', guichet.models.base.UTCDateTime(timezone=True),
                                        nullable=True))
    op.add_column('handoffs', sa.Column('flag', sa.String(length=20), nullable=True))
    op.execute("UPDATE handoffs SET assigned_at = updated_at WHERE status = 'assigned'")
    for statement in SQLITE if op.get_bind().dialect.name == "sqlite" else POSTGRES:
        op.execute(statement)


def downgrade() -> None:
    for statement in SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRES_DOWN:
        op.execute(statement)
    op.drop_column('handoffs', 'flag')
    op.drop_column('handoffs', 'assigned_at')
    op.drop_column('agents', 'must_change_password')
    op.drop_column('agents', 'available')
    op.drop_table('canned_replies')
