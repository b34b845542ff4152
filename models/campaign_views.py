"""Model rows → the handlers' campaign value types (read side shared by repo and sync)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Connection, Row, bindparam, select
from sqlalchemy.orm import Session

from handlers.campaign.repo import AllocationRule, CampaignView, LineView, OrderView, ProductSpec
from handlers.household.repo import Household as HouseholdValue
from handlers.household.repo import household_value as stored_household
from handlers.statuses import CampaignStatus, OrderStatus
from models.base import table_of
from models.campaign import Campaign, Order, OrderLine, Product
from models.chain import ChainEntry
from models.community import Household

Record = Row[*tuple[Any, ...]]  # a Core result row, read by column name

_products = table_of(Product)
# Read for every order a repost creates (the sync's prices and limits, the reply's notes):
# built once, run as Core on the session's connection.
_PRODUCTS_OF = (
    select(
        _products.c.id,
        _products.c.name,
        _products.c.price,
        _products.c.unit,
        _products.c.per_household_limit,
        _products.c.stock,
    )
    .where(_products.c.campaign_id == bindparam("campaign_id_"))
    .order_by(_products.c.id)
)


def product_spec(row: Record) -> ProductSpec:
    """A `product_rows` row → value."""
    return ProductSpec(row.name, row.price, row.unit, row.per_household_limit, row.stock)


def product_rows(conn: Connection, campaign_id: int) -> Sequence[Record]:
    """The campaign's products (id, name, price, unit, per_household_limit, stock) by id."""
    return conn.execute(_PRODUCTS_OF, {"campaign_id_": campaign_id}).all()


def campaign_view(session: Session, row: Campaign) -> CampaignView:
    """Campaign row (+ its products) → value."""
    if session.autoflush:  # as an ORM query would: products added in this session count
        session.flush()
    products = product_rows(session.connection(), row.id)
    return CampaignView(
        id=row.id,
        chat_id=row.chat_id,
        channel=row.channel,
        title=row.title,
        status=cast(CampaignStatus, row.status),
        products=tuple(map(product_spec, products)),
        cutoff_at=row.cutoff_at,
        arrival_at=row.arrival_at,
        pickup_point=row.pickup_point,
        slot_minutes=row.slot_minutes,
        slot_capacity=row.slot_capacity,
        allocation_rule=cast(AllocationRule, row.allocation_rule),
        created_by=row.created_by,
        created_at=row.created_at,
        min_total=row.min_total,
        community_id=row.community_id,
    )


def household_value(row: Household) -> HouseholdValue:
    """Household row → value."""
    return stored_household(row.building, row.unit, row.room, row.name, row.phone, row.flags)


def order_views(session: Session, ids: Sequence[int]) -> list[OrderView]:
    """Views of these orders in number order, lines, households and 接龙 seq included."""
    if not ids:
        return []
    orders = session.scalars(select(Order).where(Order.id.in_(list(ids))).order_by(Order.no)).all()
    return views_of(session, orders)


def views_of(session: Session, orders: Sequence[Order]) -> list[OrderView]:
    """Views of loaded order rows, in the given order."""
    ids = [o.id for o in orders]
    lines: dict[int, list[OrderLine]] = {}
    for line in session.scalars(
        select(OrderLine).where(OrderLine.order_id.in_(ids)).order_by(OrderLine.id)
    ):
        lines.setdefault(line.order_id, []).append(line)
    products = {
        p.id: p.name
        for p in session.scalars(
            select(Product).where(
                Product.id.in_(
                    {ln.product_id for ls in lines.values() for ln in ls if ln.product_id}
                )
            )
        )
    }
    homes = {
        h.id: household_value(h)
        for h in session.scalars(
            select(Household).where(
                Household.id.in_({o.household_id for o in orders if o.household_id})
            )
        )
    }
    entries = {
        entry_id: (seq, name)
        for entry_id, seq, name in session.execute(
            select(ChainEntry.id, ChainEntry.seq, ChainEntry.name).where(
                ChainEntry.id.in_({o.chain_entry_id for o in orders if o.chain_entry_id})
            )
        )
    }
    return [_view(o, lines.get(o.id, []), products, homes, entries) for o in orders]


def _view(
    o: Order,
    lines: list[OrderLine],
    products: dict[int, str],
    homes: dict[int, HouseholdValue],
    entries: dict[int, tuple[int, str | None]],
) -> OrderView:
    seq, name = entries.get(o.chain_entry_id, (None, None)) if o.chain_entry_id else (None, None)
    return OrderView(
        id=o.id,
        campaign_id=o.campaign_id,
        no=o.no,
        status=cast(OrderStatus, o.status),
        household=homes.get(o.household_id) if o.household_id else None,
        lines=tuple(
            LineView(
                ln.id,
                ln.name,
                ln.qty,
                ln.unit,
                products.get(ln.product_id) if ln.product_id else None,
                ln.requested_qty if ln.requested_qty is not None else ln.qty,
                ln.allocated_qty,
            )
            for ln in lines
            if ln.qty > 0 or (ln.requested_qty or 0) > 0
        ),
        chat_id=o.chat_id,
        sender_id=o.sender_id,
        seq=seq,
        created_at=o.created_at,
        flags=tuple(o.flags),
        reason=o.reason,
        slot_start_at=o.slot_start_at,
        slot_end_at=o.slot_end_at,
        pickup_code=o.pickup_code,
        picked_up_at=o.picked_up_at,
        household_id=o.household_id,
        entry_id=o.chain_entry_id,
        entry_name=name,
    )
