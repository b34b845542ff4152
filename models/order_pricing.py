"""What pricing a plan needs from storage: the campaign's products, and what households hold.

`handlers.campaign.plan` prices the lines and keeps the quantities in memory as it goes; a sync
reads the products once and, only when a product has a per-household limit, what the
households involved already hold in live orders, in one query.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from handlers.campaign.plan_values import StoredProduct
from handlers.statuses import LIVE_STATUSES
from models.base import table_of
from models.campaign import Order, OrderLine
from models.campaign_views import product_rows, product_spec

_orders = table_of(Order)
_lines = table_of(OrderLine)
# What households hold of each product in the campaign's live orders. With one household,
# `=` lets SQLite take the household index; an IN list makes it walk the campaign's orders
# (fine once for a sync of many households, not once per repost).
_HELD = (
    select(_orders.c.household_id, _lines.c.product_id, func.sum(_lines.c.qty))
    .select_from(_lines.join(_orders, _orders.c.id == _lines.c.order_id))
    .where(
        _orders.c.campaign_id == bindparam("campaign_id_"),
        _orders.c.status.in_(LIVE_STATUSES),
        _lines.c.product_id.is_not(None),
    )
    .group_by(_orders.c.household_id, _lines.c.product_id)
)
_HELD_BY_ONE = _HELD.where(_orders.c.household_id == bindparam("household_id_"))
_HELD_BY_MANY = _HELD.where(_orders.c.household_id.in_(bindparam("household_ids_", expanding=True)))


def products_of(conn: Connection, campaign_id: int) -> list[StoredProduct]:
    """The campaign's products by id."""
    return [StoredProduct(row.id, product_spec(row)) for row in product_rows(conn, campaign_id)]


def held_quantities(
    conn: Connection, campaign_id: int, household_ids: Collection[int]
) -> dict[int, dict[int, float]]:
    """household id → product id → quantity in the campaign's live orders (every household
    asked about has an entry)."""
    held: dict[int, dict[int, float]] = {h: {} for h in household_ids}
    params: dict[str, Any] = {"campaign_id_": campaign_id}
    if len(held) == 1:
        stmt, params["household_id_"] = _HELD_BY_ONE, next(iter(held))
    else:
        stmt, params["household_ids_"] = _HELD_BY_MANY, sorted(held)
    for household_id, product_id, qty in conn.execute(stmt, params):
        held[household_id][product_id] = float(qty or 0.0)
    return held
