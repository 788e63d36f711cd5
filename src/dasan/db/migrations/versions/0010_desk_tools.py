"""agent desktop tools: private notes and whispers, tags, personal and team canned answers

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("author_user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("mentions", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"],
                                name=op.f("fk_chat_notes_consultation_id_consultations")),
        sa.ForeignKeyConstraint(["author_user_id"], ["users.id"],
                                name=op.f("fk_chat_notes_author_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_notes")),
    )
    op.create_index(op.f("ix_chat_notes_consultation_id"), "chat_notes", ["consultation_id"])
    op.create_table(
        "chat_tags",
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=32), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultations.id"],
                                name=op.f("fk_chat_tags_consultation_id_consultations")),
        sa.ForeignKeyConstraint(["added_by"], ["users.id"],
                                name=op.f("fk_chat_tags_added_by_users")),
        sa.PrimaryKeyConstraint("consultation_id", "tag", name=op.f("pk_chat_tags")),
    )
    op.create_index(op.f("ix_chat_tags_tag"), "chat_tags", ["tag"])
    op.create_table(
        "canned_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_user_id"], ["users.id"],
                                name=op.f("fk_canned_answers_owner_user_id_users")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"],
                                name=op.f("fk_canned_answers_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_canned_answers")),
    )
    op.create_index(op.f("ix_canned_answers_owner_user_id"), "canned_answers",
                    ["owner_user_id"])
    op.create_index(op.f("ix_canned_answers_team_id"), "canned_answers", ["team_id"])


def downgrade() -> None:
    op.drop_table("canned_answers")
    op.drop_table("chat_tags")
    op.drop_table("chat_notes")
