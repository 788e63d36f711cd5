"""crisis reach (issue 17): re-escalation after acknowledgement, welfare cases that reach the
동 주민센터 (dong code, district acknowledgement and closing), and the 동 주민센터 directory

Revision ID: 0018_17a
Revises: 0014_i13c
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_17a"
down_revision = "0018_15"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crisis_alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reescalations", sa.Integer(), nullable=False,
                                      server_default="0"))
    with op.batch_alter_table("welfare_cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dong_code", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("acknowledged_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("acknowledged_at", sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("closed_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("close_note_masked", sa.Text(), nullable=False,
                                      server_default=""))
        batch_op.create_foreign_key("fk_welfare_cases_acknowledged_by", "users",
                                    ["acknowledged_by"], ["id"])
        batch_op.create_foreign_key("fk_welfare_cases_closed_by", "users", ["closed_by"], ["id"])
        batch_op.create_index("ix_welfare_cases_district_status", ["district_code", "status"])
    op.create_table(
        "dong_centres",
        sa.Column("dong_code", sa.String(length=10), nullable=False),
        sa.Column("district_code", sa.String(length=5), nullable=False),
        sa.Column("dong_name", sa.String(length=64), nullable=False),
        sa.Column("centre_name", sa.String(length=128), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("sms_number", sa.String(length=20), nullable=False),
        sa.Column("webhook_url", sa.String(length=512), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"]),
        sa.PrimaryKeyConstraint("dong_code"),
    )
    op.create_index("ix_dong_centres_district_code", "dong_centres", ["district_code"])


def downgrade() -> None:
    op.drop_index("ix_dong_centres_district_code", table_name="dong_centres")
    op.drop_table("dong_centres")
    with op.batch_alter_table("welfare_cases", schema=None) as batch_op:
        batch_op.drop_index("ix_welfare_cases_district_status")
        batch_op.drop_constraint("fk_welfare_cases_closed_by", type_="foreignkey")
        batch_op.drop_constraint("fk_welfare_cases_acknowledged_by", type_="foreignkey")
        batch_op.drop_column("close_note_masked")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("closed_by")
        batch_op.drop_column("acknowledged_at")
        batch_op.drop_column("acknowledged_by")
        batch_op.drop_column("dong_code")
    with op.batch_alter_table("crisis_alerts", schema=None) as batch_op:
        batch_op.drop_column("reescalations")
