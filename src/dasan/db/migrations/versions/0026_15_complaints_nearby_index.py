"""complaints (issue 15): an index for intake's duplicate check (same service, nearby), so
each report reads only the reports of its service within a few hundred metres of latitude
instead of every report of its service in the duplicate window

Revision ID: 0026_15
Revises: 0024_17a
"""

from __future__ import annotations

from alembic import op

revision = "0026_15"
down_revision = "0024_17a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.create_index("ix_service_requests_service_lat", ["service_code", "lat"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("service_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_service_requests_service_lat")
