"""needs.answer, answered_at, answered_by: a question answered in the group

Revision ID: 0012
Revises: 0002
Create Date: 2026-12-05 10:00:00

A 咨询 someone answered in the group keeps the answer beside it, so the worker sees it and a
resident asking the same question again is not recorded as a new need.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0012"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("answered_at", models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("answered_by", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.drop_column("answered_by")
        batch_op.drop_column("answered_at")
        batch_op.drop_column("answer")
