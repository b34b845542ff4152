"""issue 17: payments (paid / refund rows), order_imports, campaigns.min_total, orders.import_refs

Revision ID: 0017
Revises: 0013
Create Date: 2026-11-24 10:00:00.000000

Existing campaigns get no minimum (NULL) and existing orders no import references (NULL).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base

revision = "0017"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_payments_campaign_id_campaigns")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_payments_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payments_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payments_order_id"), ["order_id"], unique=False)

    op.create_table(
        "order_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("sheet", sa.String(length=100), nullable=False),
        sa.Column("counts", models.base.JSONText(), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_order_imports_campaign_id_campaigns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_imports")),
        sa.UniqueConstraint(
            "campaign_id", "digest", name=op.f("uq_order_imports_campaign_id_digest")
        ),
    )
    with op.batch_alter_table("order_imports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_order_imports_campaign_id"), ["campaign_id"], unique=False
        )

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_total", sa.Double(), nullable=True))
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_refs", models.base.JSONText(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("import_refs")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("min_total")
    with op.batch_alter_table("order_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_imports_campaign_id"))
    op.drop_table("order_imports")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payments_order_id"))
        batch_op.drop_index(batch_op.f("ix_payments_campaign_id"))
    op.drop_table("payments")
