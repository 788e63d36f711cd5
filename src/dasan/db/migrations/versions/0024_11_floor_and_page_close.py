"""issue 11: the floor counters leave Q&A board questions out, and a chat page that closes
says so.

* Floor counters: Q&A board questions (written threads on the homepage channel `web`) are not
  live chats. The triggers on `consultations` leave written threads out, triggers on
  `written_threads` move a consultation out of (and back into) the floor's buckets when its
  thread is written (or removed), and the counters are rebuilt from the scan.
* `citizen_presence.page_closed_at`: the chat page's `pagehide` beacon; a waiting citizen whose
  page closed leaves the queue after the short reload window, not the long grace.

Revision ID: 0024_11
Revises: 0018_voice
"""

from __future__ import annotations

import sqlalchemy as sa
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
    with op.batch_alter_table("citizen_presence", schema=None) as batch_op:
        batch_op.add_column(sa.Column("page_closed_at", sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("citizen_presence", schema=None) as batch_op:
        batch_op.drop_column("page_closed_at")
    _triggers(threads=False)
