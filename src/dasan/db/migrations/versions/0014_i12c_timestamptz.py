"""timestamps are timezone-aware: every PostgreSQL `timestamp` column becomes `timestamptz`

The values stored so far are UTC wall-clock times (naive), so each is read AT TIME ZONE 'UTC'.
SQLite has no timestamp type: its text values stay naive UTC and `UtcDateTime` attaches the
offset when it reads them (ADR 0009). Nothing to do there.

Revision ID: 0014_i12c
Revises: 0014_i11c
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0014_i12c"
down_revision = "0014_i11c"
branch_labels = None
depends_on = None


def _columns(data_type: str) -> dict[str, list[str]]:
    rows = op.get_bind().execute(sa.text(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND data_type = :t "
        "AND table_name <> 'alembic_version' ORDER BY table_name, ordinal_position"),
        {"t": data_type}).all()
    out: dict[str, list[str]] = defaultdict(list)
    for table, column in rows:
        out[table].append(column)
    return out


def _convert(data_type: str, target: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, columns in _columns(data_type).items():
        clauses = ", ".join(
            f'ALTER COLUMN "{c}" TYPE {target} USING "{c}" AT TIME ZONE \'UTC\'' for c in columns)
        op.execute(f'ALTER TABLE "{table}" {clauses}')


def upgrade() -> None:
    _convert("timestamp without time zone", "timestamptz")


def downgrade() -> None:
    _convert("timestamp with time zone", "timestamp")
