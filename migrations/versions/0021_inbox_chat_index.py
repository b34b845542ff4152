"""inbox_messages (chat_id, id) index: a chat's recent messages

Revision ID: 0021
Revises: 0016
Create Date: 2026-12-12 10:00:00

A resident's question is not a need when a notice just above it in the chat already answers
it; the notice is read back from the inbox, newest rows of one chat first.
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_inbox_messages_chat", "inbox_messages", ["chat_id", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_inbox_messages_chat", table_name="inbox_messages")
