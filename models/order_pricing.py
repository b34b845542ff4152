"""A 接龙 entry's items → order lines: the product each names, and what the limit leaves.

One Pricing serves one sync. It reads the campaign's products once and, when a product has a
per-household limit, what the households involved already hold in live orders in one query;
after that it keeps those quantities itself as the sync creates, edits and withdraws orders in
entry order, so a later line sees every earlier one as the database would.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, func, select

from handlers.campaign.repo import ProductSpec
from handlers.campaign.rules import match_product, within_limit
from handlers.statuses import LIVE_STATUSES
from models.campaign import Order, OrderLine
from models.campaign_views import Record, product_rows, product_spec

_orders = cast(Table, Order.__table__)
_lines = cast(Table, OrderLine.__table__)
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

Held = dict[int, dict[int, float]]  # household id → product id → quantity in live orders


@dataclass(frozen=True, slots=True)
class PricedLine:
    """An order line before it is written: `qty` within the limit, `requested_qty` as written."""

    product_id: int | None
    product_name: str | None
    name: str
    qty: float
    unit: str | None
    requested_qty: float

    def values(self, order_id: int) -> dict[str, Any]:
        """The order_lines columns of this line."""
        return {
            "order_id": order_id,
            "product_id": self.product_id,
            "name": self.name,
            "qty": self.qty,
            "unit": self.unit,
            "requested_qty": self.requested_qty,
        }


def with_flags(flags: Sequence[str], more: Iterable[str]) -> list[str]:
    """`flags` followed by those of `more` it lacks, each once, in order."""
    out = list(flags)
    out.extend(f for f in dict.fromkeys(more) if f not in out)
    return out


class Pricing:
    """Products and per-household quantities of one campaign during one sync."""

    def __init__(
        self,
        conn: Connection,
        campaign_id: int,
        households: Collection[int],
        new_households: Collection[int] = (),
    ) -> None:
        """`households` are read together on first need; `new_households` (created in this
        sync) hold nothing yet, so they are not asked about."""
        self._conn = conn
        self._campaign_id = campaign_id
        self._catalog: tuple[Sequence[Record], list[ProductSpec]] | None = None
        self._held: Held = {h: {} for h in new_households}
        self._unread = set(households) - set(new_households)

    def price(
        self, items: Sequence[Mapping[str, Any]], household_id: int | None
    ) -> tuple[list[PricedLine], list[str]]:
        """Lines for the items and the flags they raise (unknown_product, over_limit).

        The order's own lines do not count against each other: only other orders do.
        """
        lines = [self._line(item, household_id) for item in items]
        flags: list[str] = []
        for line in lines:
            if line.product_id is None:
                flags.append("unknown_product")
            if line.qty < line.requested_qty:
                flags.append("over_limit")
        return lines, flags

    def _line(self, item: Mapping[str, Any], household_id: int | None) -> PricedLine:
        products, specs = self._products()
        name = str(item.get("name") or "")
        spec = match_product(name, specs)
        product = products[specs.index(spec)] if spec is not None else None
        qty = float(item.get("qty") or 1)
        if product is None:
            return PricedLine(None, None, name, qty, item.get("unit"), qty)
        kept = qty
        limit = product.per_household_limit
        if household_id is not None and limit is not None:
            kept = within_limit(qty, limit, self._held_by(household_id).get(product.id, 0.0))
        unit = product.unit or item.get("unit")
        return PricedLine(product.id, product.name, product.name, kept, unit, qty)

    def take(self, household_id: int | None, lines: Iterable[PricedLine]) -> None:
        """A live order of the household now holds these lines."""
        self.adjust(household_id, ((ln.product_id, ln.qty) for ln in lines), 1.0)

    def adjust(
        self,
        household_id: int | None,
        quantities: Iterable[tuple[int | None, float]],
        sign: float,
    ) -> None:
        """Add (sign 1) or remove (sign -1) (product id, quantity) pairs of a live order."""
        if household_id is None or not self._limited():
            return
        held = self._held_by(household_id)
        for product_id, qty in quantities:
            if product_id is not None:
                held[product_id] = held.get(product_id, 0.0) + sign * qty

    def _products(self) -> tuple[Sequence[Record], list[ProductSpec]]:
        if self._catalog is None:
            rows = product_rows(self._conn, self._campaign_id)
            self._catalog = rows, [product_spec(r) for r in rows]
        return self._catalog

    def _limited(self) -> bool:
        """Quantities matter only when some product has a per-household limit."""
        return any(p.per_household_limit is not None for p in self._products()[0])

    def _held_by(self, household_id: int) -> dict[int, float]:
        """The household's quantities; the first read asks about every household expected."""
        if household_id not in self._held:
            unread = self._unread | {household_id}
            self._held.update(self._read(unread))
            self._unread = set()
        return self._held[household_id]

    def _read(self, household_ids: set[int]) -> Held:
        held: Held = {h: {} for h in household_ids}
        params: dict[str, Any] = {"campaign_id_": self._campaign_id}
        if len(household_ids) == 1:
            stmt, params["household_id_"] = _HELD_BY_ONE, next(iter(household_ids))
        else:
            stmt, params["household_ids_"] = _HELD_BY_MANY, sorted(household_ids)
        for household_id, product_id, qty in self._conn.execute(stmt, params):
            held[household_id][product_id] = float(qty or 0.0)
        return held
