"""smart phone channel: visible-ARS sessions, call transcripts, conference legs

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "visible_ars_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=True),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("page_nonce", sa.String(length=32), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["voice_calls.id"],
                                name=op.f("fk_visible_ars_sessions_call_id_voice_calls")),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"],
                                name=op.f("fk_visible_ars_sessions_consultation_id_consultations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visible_ars_sessions")),
        sa.UniqueConstraint("nonce", name=op.f("uq_visible_ars_sessions_nonce")),
    )
    op.create_index(op.f("ix_visible_ars_sessions_call_id"), "visible_ars_sessions", ["call_id"])
    op.create_index(op.f("ix_visible_ars_sessions_consultation_id"), "visible_ars_sessions",
                    ["consultation_id"])
    op.create_table(
        "call_transcripts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=True),
        sa.Column("leg", sa.String(length=16), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("start_ms", sa.Integer(), nullable=False),
        sa.Column("end_ms", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("engine", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["call_id"], ["voice_calls.id"],
                                name=op.f("fk_call_transcripts_call_id_voice_calls")),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"],
                                name=op.f("fk_call_transcripts_consultation_id_consultations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_transcripts")),
        sa.UniqueConstraint("call_id", "leg", "seq", name="uq_call_transcripts_seq"),
    )
    op.create_index(op.f("ix_call_transcripts_call_id"), "call_transcripts", ["call_id"])
    op.create_index(op.f("ix_call_transcripts_consultation_id"), "call_transcripts",
                    ["consultation_id"])
    op.create_table(
        "call_conference_legs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("target_masked", sa.String(length=32), nullable=True),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("left_at", sa.DateTime(), nullable=True),
        sa.Column("recording", sa.String(length=256), nullable=True),
        sa.ForeignKeyConstraint(["call_id"], ["voice_calls.id"],
                                name=op.f("fk_call_conference_legs_call_id_voice_calls")),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"],
                                name=op.f("fk_call_conference_legs_agent_id_agents")),
        sa.ForeignKeyConstraint(["added_by"], ["agents.id"],
                                name=op.f("fk_call_conference_legs_added_by_agents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_conference_legs")),
    )
    op.create_index(op.f("ix_call_conference_legs_call_id"), "call_conference_legs",
                    ["call_id"])


def downgrade() -> None:
    op.drop_table("call_conference_legs")
    op.drop_table("call_transcripts")
    op.drop_table("visible_ars_sessions")
