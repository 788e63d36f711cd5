"""quality (issue 17): a covering index for an agent's month of consultations, so that the
monthly QA sampling and the scorecards read the month from the index, agent by agent, without
touching the (wide) consultation rows or sorting them

Revision ID: 0024_17a
Revises: 0018_voice
"""

from __future__ import annotations

from alembic import op

revision = "0024_17a"
down_revision = "0024_11"
branch_labels = None
depends_on = None

COLUMNS = ["agent_id", "started_at", "answered_at", "handle_seconds", "outcome", "crisis"]


def upgrade() -> None:
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.create_index("ix_consultations_agent_month", COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("consultations", schema=None) as batch_op:
        batch_op.drop_index("ix_consultations_agent_month")
