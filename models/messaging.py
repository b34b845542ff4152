"""Messages in and out: the inbox (every accepted message, committed before handling) and the
outbox (every notice Linli sends)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONText, UTCDateTime, utcnow


class InboxMessage(Base):
    """An accepted message. Unique per (channel, sender, msg_key): WeChat retries are answered
    from `reply` without handling twice; a row with handled_at NULL is handled at next start."""

    __tablename__ = "inbox_messages"
    __table_args__ = (
        UniqueConstraint("channel", "sender_id", "msg_key"),
        Index("ix_inbox_messages_chat", "chat_id", "id"),  # a chat's recent messages
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    sender_id: Mapped[str] = mapped_column(String(128))
    msg_key: Mapped[str] = mapped_column(String(128))
    chat_id: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONText)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reply: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)


class Notice(Base):
    """An outbound message (outbox row), written in the transaction that causes it."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_due", "status", "not_before_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="text")
    not_before_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The order a reminder/follow-up is about: the sender rebuilds the group fallback from it.
    order_id: Mapped[int | None] = mapped_column(index=True)
    # Resident's phone for the robot's mentioned_mobile_list (only when known and agreed).
    mention_mobile: Mapped[str | None] = mapped_column(String(20))
    # 需人工通知: the resident could not be reached 1:1; a worker should call or visit.
    needs_manual: Mapped[bool] = mapped_column(default=False)
