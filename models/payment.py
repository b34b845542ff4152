"""Money rows of a campaign and the record of each imported export (issue 17)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONText, UTCDateTime, utcnow


class Payment(Base):
    """Money paid by a household for an order, or going back to it (a refund line).

    Amounts are whole fen. A refund waits (待退) until `done_at` is set by a worker.
    """

    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # payment / refund
    amount: Mapped[int]  # fen
    method: Mapped[str] = mapped_column(String(12))  # chat / transfer / page / import / auto
    note: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[str | None] = mapped_column(String(128))


class OrderImport(Base):
    """One 快团团 / 群接龙 export taken into a campaign: the file's digest and what came of it."""

    __tablename__ = "order_imports"
    __table_args__ = (UniqueConstraint("campaign_id", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of the file
    filename: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(20))  # 快团团 / 群接龙 / 表格
    sheet: Mapped[str] = mapped_column(String(100), default="")
    counts: Mapped[dict[str, int]] = mapped_column(JSONText, default=dict)
    actor: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
