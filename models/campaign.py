"""Campaigns (团购), their products, and orders with their lines."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONText, UTCDateTime, utcnow


class Campaign(Base):
    """A group buy from 开团 to 核销."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    chat_id: Mapped[str] = mapped_column(String(128), index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open/closed/arrived/done
    cutoff_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    arrival_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pickup_point: Mapped[str] = mapped_column(String(200), default="")
    slot_minutes: Mapped[int] = mapped_column(default=30)
    slot_capacity: Mapped[int] = mapped_column(default=20)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(20), default="")
    allocation_rule: Mapped[str] = mapped_column(String(12), default="first_come")
    next_order_no: Mapped[int] = mapped_column(default=1)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    min_total: Mapped[float | None]  # 成团 minimum (issue 17)


class Product(Base):
    """A product of a campaign: price, unit, per-household limit and stock when known."""

    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("campaign_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    name: Mapped[str] = mapped_column(String(100))
    price: Mapped[float | None] = mapped_column(Numeric(10, 2, asdecimal=False))
    unit: Mapped[str | None] = mapped_column(String(10))
    per_household_limit: Mapped[float | None]
    stock: Mapped[float | None]


class Order(Base):
    """One household's lines in one campaign: pending → confirmed → ready → picked_up."""

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("campaign_id", "chain_entry_id"),
        UniqueConstraint("campaign_id", "no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(ForeignKey("households.id"), index=True)
    chain_entry_id: Mapped[int | None] = mapped_column(ForeignKey("chain_entries.id"))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    slot_start_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pickup_code: Mapped[str | None] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    picked_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    no: Mapped[int] = mapped_column(default=0)  # the number workers use: 确认 12
    chat_id: Mapped[str] = mapped_column(String(128), default="")
    sender_id: Mapped[str] = mapped_column(String(128), default="")
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("pickup_slots.id"), index=True)
    slot_end_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    flags: Mapped[list[str]] = mapped_column(JSONText, default=list)
    reason: Mapped[str | None] = mapped_column(Text)
    picked_up_by: Mapped[str | None] = mapped_column(String(128))
    entry_version: Mapped[datetime | None] = mapped_column(UTCDateTime)  # entry's updated_at
    import_refs: Mapped[list[str] | None] = mapped_column(JSONText)  # 快团团:123 (issue 17)


class OrderLine(Base):
    """One product line of an order: requested and allocated quantity."""

    __tablename__ = "order_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    name: Mapped[str] = mapped_column(String(100))
    qty: Mapped[float]
    unit: Mapped[str | None] = mapped_column(String(10))
    allocated_qty: Mapped[float | None]
    requested_qty: Mapped[float | None]  # as written, before the per-household limit


class CampaignGroup(Base):
    """A group of the campaign's community at 开团: announced there (`reached`), or listed in the
    worker's reply to forward by hand (an ordinary WeChat group Linli cannot post to)."""

    __tablename__ = "campaign_groups"
    __table_args__ = (UniqueConstraint("campaign_id", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(200), default="")
    reached: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PickupSlot(Base):
    """A pickup time window (分时段) with a capacity in households."""

    __tablename__ = "pickup_slots"
    __table_args__ = (UniqueConstraint("campaign_id", "start_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int]
    buildings: Mapped[list[str]] = mapped_column(JSONText, default=list)
