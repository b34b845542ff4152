"""State shared by every process that talks to Tencent: access tokens and rate-limit windows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONText, UTCDateTime, utcnow


class AccessToken(Base):
    """One platform access token (e.g. `mp:<appid>`), shared by all processes via the database.

    Tencent invalidates older tokens when a new one is fetched the classic way, so a
    per-process cache would make processes log each other out.
    """

    __tablename__ = "access_tokens"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RateWindow(Base):
    """Send times within the last window for one destination (`wecom_robot:<key>`, ...).

    `sent` holds epoch seconds of recent sends (a sliding window, as Tencent counts);
    `blocked_until` is set when the platform answered "throttled" anyway.
    """

    __tablename__ = "rate_windows"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    sent: Mapped[list[float]] = mapped_column(JSONText, default=list)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
