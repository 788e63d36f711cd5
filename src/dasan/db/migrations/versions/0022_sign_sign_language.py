"""sign-language video consultations: the 수어 skill and queue for an organisation seeded
already, and the floor counters' triggers counting channel sign_language with the chats
(ADR 0016)

Revision ID: 0018_sign
Revises: 0014_i13c
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dasan.db import floor_counters

revision = "0018_sign"
down_revision = "0018_17b"
branch_labels = None
depends_on = None

# Written out here (not imported): a migration must not change with later code.
SIGN_CODE = "sign_language"
SIGN_KO, SIGN_EN = "수어 상담", "Sign language"
NEW_CHANNELS_SQL = "('chatbot', 'web', 'sign_language')"
OLD_CHANNELS_SQL = "('chatbot', 'web')"


def _triggers(channels: str) -> None:
    conn = op.get_bind()
    dialect = conn.dialect.name
    for ddl in floor_counters.drop_sql(dialect):
        conn.exec_driver_sql(ddl)
    for ddl in floor_counters.create_sql(dialect, channels, threads=False):
        conn.exec_driver_sql(ddl)
    floor_counters.rebuild(conn, channels, threads=False)


def upgrade() -> None:
    conn = op.get_bind()
    seeded = conn.execute(sa.text("SELECT id FROM skills LIMIT 1")).first() is not None
    has_sign = conn.execute(sa.text("SELECT id FROM skills WHERE code = :c"),
                            {"c": SIGN_CODE}).first() is not None
    if seeded and not has_sign:
        conn.execute(sa.text("INSERT INTO skills (code, name, name_en) VALUES (:c, :ko, :en)"),
                     {"c": SIGN_CODE, "ko": SIGN_KO, "en": SIGN_EN})
        skill_id = conn.execute(sa.text("SELECT id FROM skills WHERE code = :c"),
                                {"c": SIGN_CODE}).scalar_one()
        conn.execute(sa.text(
            "INSERT INTO queues (code, name, name_en, skill_id, ars_digit, priority) "
            "VALUES (:c, :ko, :en, :skill, NULL, 0)"),
            {"c": SIGN_CODE, "ko": SIGN_KO, "en": SIGN_EN, "skill": skill_id})
    _triggers(NEW_CHANNELS_SQL)


def downgrade() -> None:
    _triggers(OLD_CHANNELS_SQL)
    conn = op.get_bind()
    used = conn.execute(sa.text(
        "SELECT c.id FROM consultations c JOIN queues q ON q.id = c.queue_id "
        "WHERE q.code = :c LIMIT 1"), {"c": SIGN_CODE}).first()
    if used is None:  # keep the queue (and its history) once it has served anyone
        conn.execute(sa.text("DELETE FROM agent_skills WHERE skill_id IN "
                             "(SELECT id FROM skills WHERE code = :c)"), {"c": SIGN_CODE})
        conn.execute(sa.text("DELETE FROM queues WHERE code = :c"), {"c": SIGN_CODE})
        conn.execute(sa.text("DELETE FROM skills WHERE code = :c"), {"c": SIGN_CODE})
