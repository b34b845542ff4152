"""A withdrawn or edited 接龙 entry → its order follows, while the order is still undecided.

Rare next to new entries, so the ORM does it, inside the sync of `models.campaign_sync`: the
audit row and any new lines go to that sync's OrderBatch (written in entry order with the new
orders), and the household's quantities in its Pricing follow the order's lines.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.statuses import OPEN_STATUSES
from models.audit import audit_row
from models.campaign import Order, OrderLine
from models.campaign_views import Record
from models.entry_orders import OrderBatch
from models.order_pricing import Pricing, with_flags

LINE_FLAGS = ("unknown_product", "over_limit")  # raised by lines, so redone with them


def follow_change(
    session: Session, batch: OrderBatch, pricing: Pricing, entry: Record
) -> Order | None:
    """The author withdrew or edited the entry (a `_ENTRIES` row of campaign_sync, with its
    order): follow it while the order is undecided; the order when it followed, else None."""
    order = session.get_one(Order, entry.order_id)
    order.entry_version = entry.updated_at
    if order.status not in OPEN_STATUSES:
        after = {"entry_status": entry.status, "raw": entry.raw}
        _audit(batch, entry, "order.entry_changed_ignored", order, {"status": order.status}, after)
        return None
    lines = session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)).all()
    pricing.adjust(order.household_id, [(ln.product_id, ln.qty) for ln in lines], -1.0)
    if entry.status == "withdrawn":
        withdrawn = {"status": "withdrawn"}
        _audit(batch, entry, "order.withdraw", order, {"status": order.status}, withdrawn)
        order.status = "withdrawn"
        return order
    before = [{"name": ln.name, "qty": ln.qty} for ln in lines]
    for line in lines:  # marked, not deleted: a replaced line keeps its row at quantity 0
        line.qty, line.requested_qty = 0.0, 0.0
    priced, flags = pricing.price(entry.entry_items, order.household_id)
    pricing.take(order.household_id, priced)
    batch.add_lines(order.id, priced)
    order.flags = with_flags([f for f in order.flags if f not in LINE_FLAGS], flags)
    order.updated_at = entry.updated_at
    after = {"items": entry.entry_items, "raw": entry.raw}
    _audit(batch, entry, "order.edit", order, {"items": before}, after)
    return order


def _audit(
    batch: OrderBatch,
    entry: Record,
    action: str,
    order: Order,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    """Queue the audit row of a change the entry's author made (at the entry's update)."""
    row = audit_row(entry.author_id, action, "order", order.id, before, after, entry.updated_at)
    batch.audits.append(row)
