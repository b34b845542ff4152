"""admin_sessions: worker-page sessions kept on the server, so logout revokes them

Revision ID: 0013
Revises: 0018
Create Date: 2026-12-05 08:30:00

Sessions from before this revision lived only in the signed cookie; they are not valid any
more (workers log in again once).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0013"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_sessions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_admin_sessions_member_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_sessions")),
    )
    with op.batch_alter_table("admin_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_admin_sessions_member_id"), ["member_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("admin_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admin_sessions_member_id"))
    op.drop_table("admin_sessions")
