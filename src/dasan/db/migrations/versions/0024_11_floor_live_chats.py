"""floor counters: Q&A board questions (written threads on the homepage channel `web`) are not
live chats. The triggers on `consultations` leave written threads out, triggers on
`written_threads` move a consultation out of (and back into) the floor's buckets when its
thread is written (or removed), and the counters are rebuilt from the scan (issue 11).

Revision ID: 0024_11
Revises: 0018_voice
"""

from __future__ import annotations

from alembic import op

from dasan.db import floor_counters

revision = "0024_11"
down_revision = "0018_voice"
branch_labels = None
depends_on = None

# Written out here (not imported): a migration must not change with later code.
CHANNELS_SQL = "('chatbot', 'web', 'sign_language')"


def _triggers(threads: bool) -> None:
    conn = op.get_bind()
    dialect = conn.dialect.name
    for ddl in floor_counters.drop_sql(dialect):
        conn.exec_driver_sql(ddl)
    for ddl in floor_counters.create_sql(dialect, CHANNELS_SQL, threads=threads):
        conn.exec_driver_sql(ddl)
    floor_counters.rebuild(conn, CHANNELS_SQL, threads=threads)


def upgrade() -> None:
    _triggers(threads=True)


def downgrade() -> None:
    _triggers(threads=False)
