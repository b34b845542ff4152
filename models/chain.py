"""接龙 chains, their entries and the multiset of lines seen in each chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONText, UTCDateTime, utcnow


class Chain(Base):
    """A 接龙, identified by its chat and normalised title."""

    __tablename__ = "chains"
    __table_args__ = (UniqueConstraint("chat_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(128))
    key: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(Text)
    is_order_list: Mapped[bool]
    products: Mapped[list[dict[str, Any]]] = mapped_column(JSONText, default=list)
    opened_by: Mapped[str] = mapped_column(String(128))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    next_seq: Mapped[int] = mapped_column(default=1)
    # Random; replaced whenever the chain's seen lines change (see models/seen_cache.py).
    lines_token: Mapped[str | None] = mapped_column(String(16))


class ChainEntry(Base):
    """One entry of a chain; withdrawn entries stay, marked."""

    __tablename__ = "chain_entries"
    __table_args__ = (
        UniqueConstraint("chain_id", "seq"),
        Index("ix_chain_entries_author", "chain_id", "author_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chain_id: Mapped[int] = mapped_column(ForeignKey("chains.id"))
    seq: Mapped[int]
    author_id: Mapped[str] = mapped_column(String(128))
    line_key: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="active")
    raw: Mapped[str] = mapped_column(Text)
    building: Mapped[str | None] = mapped_column(String(20))
    unit: Mapped[str | None] = mapped_column(String(20))
    room: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSONText, default=list)
    readable: Mapped[bool] = mapped_column(default=True)
    flags: Mapped[list[str]] = mapped_column(JSONText, default=list)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChainLine(Base):
    """How many copies of a normalised line a chain has seen: a seen line is never new again."""

    __tablename__ = "chain_lines"

    chain_id: Mapped[int] = mapped_column(ForeignKey("chains.id"), primary_key=True)
    line_hash: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(default=1)
