"""knowledge quality: answerability per entry, gap events and clusters

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_answerability",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=512), nullable=True),
        sa.Column("assessed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["kb_entries.id"],
                                name=op.f("fk_kb_answerability_entry_id_kb_entries")),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"],
                                name=op.f("fk_kb_answerability_decided_by_users")),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_kb_answerability")),
    )
    op.create_index(op.f("ix_kb_answerability_verdict"), "kb_answerability", ["verdict"])
    op.create_index(op.f("ix_kb_answerability_needs_review"), "kb_answerability",
                    ["needs_review"])
    op.create_table(
        "kb_gap_clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=256), nullable=False),
        sa.Column("owner_agency_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("examples", sa.JSON(), nullable=False),
        sa.Column("nearest_entry_ids", sa.JSON(), nullable=False),
        sa.Column("centroid", sa.JSON(), nullable=False),
        sa.Column("draft_entry_id", sa.Integer(), nullable=True),
        sa.Column("resolution_note", sa.String(length=512), nullable=True),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_agency_id"], ["agencies.id"],
                                name=op.f("fk_kb_gap_clusters_owner_agency_id_agencies")),
        sa.ForeignKeyConstraint(["draft_entry_id"], ["kb_entries.id"],
                                name=op.f("fk_kb_gap_clusters_draft_entry_id_kb_entries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_gap_clusters")),
    )
    op.create_index(op.f("ix_kb_gap_clusters_owner_agency_id"), "kb_gap_clusters",
                    ["owner_agency_id"])
    op.create_index(op.f("ix_kb_gap_clusters_status"), "kb_gap_clusters", ["status"])
    op.create_table(
        "kb_gap_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("nearest_entry_ids", sa.JSON(), nullable=False),
        sa.Column("owner_agency_id", sa.Integer(), nullable=True),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_agency_id"], ["agencies.id"],
                                name=op.f("fk_kb_gap_events_owner_agency_id_agencies")),
        sa.ForeignKeyConstraint(["cluster_id"], ["kb_gap_clusters.id"],
                                name=op.f("fk_kb_gap_events_cluster_id_kb_gap_clusters")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_gap_events")),
    )
    op.create_index(op.f("ix_kb_gap_events_kind"), "kb_gap_events", ["kind"])
    op.create_index(op.f("ix_kb_gap_events_consultation_id"), "kb_gap_events",
                    ["consultation_id"])
    op.create_index(op.f("ix_kb_gap_events_cluster_id"), "kb_gap_events", ["cluster_id"])
    op.create_index(op.f("ix_kb_gap_events_created_at"), "kb_gap_events", ["created_at"])


def downgrade() -> None:
    op.drop_table("kb_gap_events")
    op.drop_table("kb_gap_clusters")
    op.drop_table("kb_answerability")
