"""presence: agent presence, contact offers, team settings, citizen presence

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 05:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agent_presence",
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("sockets", sa.Integer(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("disconnected_at", sa.DateTime(), nullable=True),
        sa.Column("break_reason", sa.String(length=32), nullable=True),
        sa.Column("resume_state", sa.String(length=16), nullable=True),
        sa.Column("away_since", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"],
                                name=op.f("fk_agent_presence_agent_id_agents")),
        sa.PrimaryKeyConstraint("agent_id", name=op.f("pk_agent_presence")),
    )
    op.create_table(
        "contact_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("agent_id", sa.Integer(), nullable=False),
        sa.Column("offered_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"],
                                name=op.f("fk_contact_offers_agent_id_agents")),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"],
                                name=op.f("fk_contact_offers_consultation_id_consultations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_offers")),
    )
    op.create_index(op.f("ix_contact_offers_consultation_id"), "contact_offers",
                    ["consultation_id"])
    op.create_index(op.f("ix_contact_offers_agent_id"), "contact_offers", ["agent_id"])
    op.create_index("ix_contact_offers_status_expires", "contact_offers",
                    ["status", "expires_at"])
    op.create_table(
        "team_settings",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("auto_accept", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"],
                                name=op.f("fk_team_settings_team_id_teams")),
        sa.PrimaryKeyConstraint("team_id", name=op.f("pk_team_settings")),
    )
    op.create_table(
        "citizen_presence",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("sockets", sa.Integer(), nullable=False),
        sa.Column("disconnected_at", sa.DateTime(), nullable=True),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"],
                                name=op.f("fk_citizen_presence_consultation_id_consultations")),
        sa.PrimaryKeyConstraint("consultation_id", name=op.f("pk_citizen_presence")),
    )
    op.create_index(op.f("ix_citizen_presence_disconnected_at"), "citizen_presence",
                    ["disconnected_at"])
    op.create_index("ix_consultations_status_queue_agent", "consultations",
                    ["status", "queue_id", "agent_id"])


def downgrade() -> None:
    op.drop_index("ix_consultations_status_queue_agent", table_name="consultations")
    op.drop_index(op.f("ix_citizen_presence_disconnected_at"), table_name="citizen_presence")
    op.drop_table("citizen_presence")
    op.drop_table("team_settings")
    op.drop_index("ix_contact_offers_status_expires", table_name="contact_offers")
    op.drop_index(op.f("ix_contact_offers_agent_id"), table_name="contact_offers")
    op.drop_index(op.f("ix_contact_offers_consultation_id"), table_name="contact_offers")
    op.drop_table("contact_offers")
    op.drop_table("agent_presence")
