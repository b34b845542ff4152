"""pictures and picture_entries: 接龙 screenshots and paper lists read by OCR (issue 16)

Revision ID: 0016
Revises: 0020
Create Date: 2026-12-05 08:30:00

The OCR job queue (one row per picture, its bytes kept for the worker's crops until retention)
and the link from each chain entry read from a picture to its crop.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0016"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pictures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("chat_id", sa.String(length=128), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("media", sa.String(length=1024), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("message", models.base.JSONText(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("lines", models.base.JSONText(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pictures")),
    )
    with op.batch_alter_table("pictures", schema=None) as batch_op:
        batch_op.create_index("ix_pictures_status", ["status", "lease_until"], unique=False)
    op.create_table(
        "picture_entries",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("picture_id", sa.Integer(), nullable=False),
        sa.Column("x0", sa.Integer(), nullable=False),
        sa.Column("y0", sa.Integer(), nullable=False),
        sa.Column("x1", sa.Integer(), nullable=False),
        sa.Column("y1", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["chain_entries.id"],
            name=op.f("fk_picture_entries_entry_id_chain_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["picture_id"], ["pictures.id"], name=op.f("fk_picture_entries_picture_id_pictures")
        ),
        sa.PrimaryKeyConstraint("entry_id", name=op.f("pk_picture_entries")),
    )
    with op.batch_alter_table("picture_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_picture_entries_picture_id"), ["picture_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("picture_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_picture_entries_picture_id"))
    op.drop_table("picture_entries")
    with op.batch_alter_table("pictures", schema=None) as batch_op:
        batch_op.drop_index("ix_pictures_status")
    op.drop_table("pictures")
