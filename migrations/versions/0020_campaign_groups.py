"""campaign_groups: the groups of its community a campaign was announced to, or listed to forward

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-05 09:00:53

A campaign belongs to its community and is announced to the community's groups (issue 20);
campaigns from before this revision have no rows here and keep posting to the chat they were
opened in (when that is a group) and to the groups whose 接龙 linked to them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import models.base


revision = '0020'
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaign_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('chat_id', sa.String(length=128), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('reached', sa.Boolean(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_groups_campaign_id_campaigns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_groups')),
    sa.UniqueConstraint('campaign_id', 'chat_id', name=op.f('uq_campaign_groups_campaign_id_chat_id'))
    )
    with op.batch_alter_table('campaign_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_groups_campaign_id'), ['campaign_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('campaign_groups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_groups_campaign_id'))

    op.drop_table('campaign_groups')
