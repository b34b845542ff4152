"""Orders whose 接龙 entry changed: read before the plan, and changed as it says.

Rare next to new entries, so the ORM does it, inside the save of a plan
(`models.campaign_sync`): the audit row and any new lines go to that save's OrderBatch,
written in entry order with the new orders.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.campaign.plan_values import OrderChange, PlanEntry, StoredLine, StoredOrder
from handlers.statuses import OrderStatus
from models.audit import audit_row
from models.campaign import Order, OrderLine
from models.entry_orders import OrderBatch

# The rows read for a plan, kept until it is saved: the session holds loaded objects weakly,
# so without this the save would read each order and its lines a second time.
_LOADED = "entry_changes.loaded"
Loaded = dict[int, tuple[Order, Sequence[OrderLine]]]


def stored_orders(session: Session, entries: Sequence[PlanEntry]) -> dict[int, StoredOrder]:
    """The orders these entries made, with their lines."""
    found: dict[int, StoredOrder] = {}
    loaded: Loaded = session.info.setdefault(_LOADED, {})
    for entry in entries:
        if entry.order_id is None:
            continue
        order = session.get_one(Order, entry.order_id)
        lines = session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)).all()
        loaded[order.id] = order, lines
        stored = tuple(StoredLine(ln.product_id, ln.name, ln.qty) for ln in lines)
        status = cast(OrderStatus, order.status)
        found[order.id] = StoredOrder(
            order.id, order.no, status, tuple(order.flags), order.household_id, stored
        )
    return found


def _rows(session: Session, order_id: int) -> tuple[Order, Sequence[OrderLine]]:
    """The order and its lines as read for the plan (read again when they were not kept)."""
    loaded: Loaded = session.info.get(_LOADED, {})
    if order_id in loaded:
        return loaded.pop(order_id)
    order = session.get_one(Order, order_id)
    return order, session.scalars(select(OrderLine).where(OrderLine.order_id == order_id)).all()


def follow_change(session: Session, batch: OrderBatch, change: OrderChange) -> None:
    """Note the entry's change on its order, and withdraw or edit the order as planned."""
    entry, stored = change.entry, change.order
    order, lines = _rows(session, stored.id)
    order.entry_version = entry.updated_at
    if change.kind == "ignore":
        after: dict[str, Any] = {"entry_status": entry.status, "raw": entry.raw}
        _audit(batch, entry, "order.entry_changed_ignored", order, {"status": order.status}, after)
        return
    if change.kind == "withdraw":
        withdrawn = {"status": "withdrawn"}
        _audit(batch, entry, "order.withdraw", order, {"status": order.status}, withdrawn)
        order.status = "withdrawn"
        return
    before = [{"name": ln.name, "qty": ln.qty} for ln in stored.lines]
    for line in lines:  # marked, not deleted: a replaced line keeps its
        line.qty, line.requested_qty = 0.0, 0.0  # row at quantity 0
    batch.add_lines(order.id, change.lines)
    order.flags = list(change.flags)
    order.updated_at = entry.updated_at
    after = {"items": entry.items, "raw": entry.raw}
    _audit(batch, entry, "order.edit", order, {"items": before}, after)


def _audit(
    batch: OrderBatch,
    entry: PlanEntry,
    action: str,
    order: Order,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    """Queue the audit row of a change the entry's author made (at the entry's update)."""
    row = audit_row(entry.author_id, action, "order", order.id, before, after, entry.updated_at)
    batch.audits.append(row)
