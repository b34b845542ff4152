"""Needs (需求): free-form requests with category, urgency and a follow-through status."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONText, UTCDateTime, utcnow


class Need(Base):
    """One need; its id is the ticket number residents and workers use."""

    __tablename__ = "needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20), default="")
    chat_id: Mapped[str] = mapped_column(String(128), index=True)
    sender_id: Mapped[str] = mapped_column(String(128))
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(4))
    urgent: Mapped[bool] = mapped_column(default=False)
    item: Mapped[str | None] = mapped_column(String(50))
    for_whom: Mapped[str | None] = mapped_column(String(50))
    reasons: Mapped[list[str]] = mapped_column(JSONText, default=list)
    status: Mapped[str] = mapped_column(String(12), default="new", index=True)
    assignee_id: Mapped[str | None] = mapped_column(String(128))
    resolution: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str | None] = mapped_column(Text)  # a 咨询 answered in the group
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by: Mapped[str | None] = mapped_column(String(128))
