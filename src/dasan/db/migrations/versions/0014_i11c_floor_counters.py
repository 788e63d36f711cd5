"""live floor counters: per-queue waiting/live, per-agent and bot counts kept by triggers (ADR 0009)

Revision ID: 0014_i11c
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from dasan.db import floor_counters

revision = "0014_i11c"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "floor_counters",
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("ref_id", "metric", name=op.f("pk_floor_counters")),
    )
    op.create_table(
        "floor_counter_deltas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=16), nullable=False),
        sa.Column("d", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_floor_counter_deltas")),
    )
    conn = op.get_bind()
    for ddl in floor_counters.create_sql(conn.dialect.name, threads=False):
        conn.exec_driver_sql(ddl)
    floor_counters.rebuild(conn, threads=False)


def downgrade() -> None:
    conn = op.get_bind()
    for ddl in floor_counters.drop_sql(conn.dialect.name):
        conn.exec_driver_sql(ddl)
    op.drop_table("floor_counter_deltas")
    op.drop_table("floor_counters")
