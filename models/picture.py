"""Pictures of 接龙 lists: the OCR job queue, the lines read, and the entries each one gave."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONText, UTCDateTime, utcnow

# upload: stored by the simulator or replay, not yet sent as a message; queued: waiting for
# OCR; reading: a job holds it until lease_until; done / failed: finished (error says why).
PICTURE_STATUSES = ("upload", "queued", "reading", "done", "failed")


class Picture(Base):
    """One picture sent to the bot. `data` is kept for the worker's crops until retention."""

    __tablename__ = "pictures"
    __table_args__ = (Index("ix_pictures_status", "status", "lease_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(128))
    sender_id: Mapped[str] = mapped_column(String(128))
    media: Mapped[str] = mapped_column(String(1024), default="")
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    message: Mapped[dict[str, Any] | None] = mapped_column(JSONText)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSONText, default=list)
    text: Mapped[str | None] = mapped_column(Text)  # the repost it gave (sheets joined up)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PictureEntry(Base):
    """A 接龙 entry read from a picture: where in it (for the worker's crop) and how surely."""

    __tablename__ = "picture_entries"

    entry_id: Mapped[int] = mapped_column(ForeignKey("chain_entries.id"), primary_key=True)
    picture_id: Mapped[int] = mapped_column(ForeignKey("pictures.id"), index=True)
    x0: Mapped[int]
    y0: Mapped[int]
    x1: Mapped[int]
    y1: Mapped[int]
    confidence: Mapped[float] = mapped_column(Float)
