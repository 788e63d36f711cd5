"""kb_entries.gists (issue 16): the editors' gist of each answer in the residents' languages
(language -> text), which the search embeds and the written bot shows a foreign resident
beside the Korean answer

Revision ID: 0027_16
Revises: 0026_15
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027_16"
down_revision = "0026_15"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kb_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gists", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kb_entries", schema=None) as batch_op:
        batch_op.drop_column("gists")
