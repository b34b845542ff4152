"""chains.lines_token: lets a process trust its cached copy of a chain's seen lines

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 16:18:27.199341

Existing chains get NULL: they are read from storage until their next new line sets a token.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("chains", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lines_token", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("chains", schema=None) as batch_op:
        batch_op.drop_column("lines_token")
