"""The campaign's decisions on 接龙 entries, as pure functions: which entries become which
orders, which orders follow their changed entry, the product and quantity of each line.

`plan_orders` works in entry order and keeps what each household holds of a limited product
as it goes, so a later entry sees every earlier one as if it were already stored. Storage
loads what it needs and saves the plan (`handlers.campaign.sync`); nothing here reads or writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handlers.campaign.plan_values import (
    EntryState,
    Held,
    NewOrder,
    OrderChange,
    OrderPlan,
    PlanEntry,
    PlanHome,
    PlanTerms,
    PricedLine,
    StoredProduct,
)
from handlers.campaign.rules import match_product, within_limit
from handlers.campaign.values import (
    FLAG_NO_ADDRESS,
    FLAG_NOT_ON_ROSTER,
    FLAG_OVER_LIMIT,
    FLAG_UNKNOWN_PRODUCT,
)
from handlers.statuses import OPEN_STATUSES, OrderStatus

LINE_FLAGS = (FLAG_UNKNOWN_PRODUCT, FLAG_OVER_LIMIT)  # raised by lines, so redone with them


@dataclass(frozen=True, slots=True)
class PlanCampaign:
    """The locked campaign and its products."""

    terms: PlanTerms
    products: Sequence[StoredProduct]


def needs_order(entry: PlanEntry) -> bool:
    """A live entry no order was made from yet."""
    return entry.order_id is None and entry.status != "withdrawn"


def follows(entry: PlanEntry) -> bool:
    """An entry changed (edited or withdrawn) since its order was made or last followed it."""
    return entry.order_id is not None and entry.order_version != entry.updated_at


def is_limited(products: Sequence[StoredProduct]) -> bool:
    """Held quantities matter only when some product has a per-household limit."""
    return any(p.spec.limit is not None for p in products)


def plan_orders(campaign: PlanCampaign, entries: Sequence[EntryState], held: Held) -> OrderPlan:
    """New entries become orders numbered from the campaign's next number, changed ones are
    followed while their order is undecided; entries needing neither are left alone."""
    ledger = _Ledger(campaign.products, held)
    steps: list[NewOrder | OrderChange] = []
    no = campaign.terms.next_order_no
    for state in entries:
        if state.order is not None and follows(state.entry):
            steps.append(_follow(state, ledger))
        elif state.order is None and needs_order(state.entry):
            steps.append(_new_order(campaign.terms, state.entry, state.home, no, ledger))
            no += 1
    return OrderPlan(campaign.terms.id, tuple(steps), no)


def with_flags(flags: Sequence[str], more: Iterable[str]) -> list[str]:
    """`flags` followed by those of `more` it lacks, each once, in order."""
    out = list(flags)
    out.extend(f for f in dict.fromkeys(more) if f not in out)
    return out


def is_late(terms: PlanTerms, seen_at: datetime) -> bool:
    """After the earlier of the announced cut-off and the actual 截单 (early by a worker, or
    late when the scheduler was down): kept as 迟到 for a worker to decide."""
    times = [t for t in (terms.cutoff_at, terms.closed_at) if t is not None]
    return bool(times) and seen_at > min(times)


def household_flags(terms: PlanTerms, entry: PlanEntry, home: PlanHome | None) -> list[str]:
    """待核实: no address and no registered household, or an address the roster lacks."""
    if entry.building or entry.room:
        off = terms.has_roster and home is not None and not home.on_roster
        return [FLAG_NOT_ON_ROSTER] if off else []
    return [] if home is not None else [FLAG_NO_ADDRESS]


def _new_order(
    terms: PlanTerms, entry: PlanEntry, home: PlanHome | None, no: int, ledger: _Ledger
) -> NewOrder:
    household_id = home.id if home is not None else None
    lines, line_flags = ledger.price(entry.items, household_id)
    ledger.take(household_id, lines)
    status: OrderStatus = "late" if is_late(terms, entry.first_seen_at) else "pending"
    flags = with_flags(household_flags(terms, entry, home), line_flags)
    return NewOrder(entry, home, no, status, tuple(flags), tuple(lines))


def _follow(state: EntryState, ledger: _Ledger) -> OrderChange:
    """Withdraw or edit the order while it is undecided; a confirmed one never changes."""
    entry, order = state.entry, state.order
    assert order is not None
    if order.status not in OPEN_STATUSES:
        return OrderChange(entry, order, "ignore")
    ledger.adjust(order.household_id, [(ln.product_id, ln.qty) for ln in order.lines], -1.0)
    if entry.status == "withdrawn":
        return OrderChange(entry, order, "withdraw")
    lines, line_flags = ledger.price(entry.items, order.household_id)
    ledger.take(order.household_id, lines)
    flags = with_flags([f for f in order.flags if f not in LINE_FLAGS], line_flags)
    return OrderChange(entry, order, "edit", tuple(flags), tuple(lines))


class _Ledger:
    """The products, and what each household holds of them in live orders as the plan goes."""

    def __init__(self, products: Sequence[StoredProduct], held: Held) -> None:
        self._products = products
        self._specs = [p.spec for p in products]
        self._limited = is_limited(products)
        self._held = {h: dict(q) for h, q in held.items()}

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
                flags.append(FLAG_UNKNOWN_PRODUCT)
            if line.qty < line.requested_qty:
                flags.append(FLAG_OVER_LIMIT)
        return lines, flags

    def _line(self, item: Mapping[str, Any], household_id: int | None) -> PricedLine:
        name = str(item.get("name") or "")
        spec = match_product(name, self._specs)
        qty = float(item.get("qty") or 1)
        if spec is None:
            return PricedLine(None, None, name, qty, item.get("unit"), qty)
        product = self._products[self._specs.index(spec)]
        kept = qty
        if household_id is not None and spec.limit is not None:
            kept = within_limit(qty, spec.limit, self._held_by(household_id).get(product.id, 0.0))
        return PricedLine(
            product.id, spec.name, spec.name, kept, spec.unit or item.get("unit"), qty
        )

    def take(self, household_id: int | None, lines: Iterable[PricedLine]) -> None:
        """A live order of the household now holds these lines."""
        self.adjust(household_id, ((ln.product_id, ln.qty) for ln in lines), 1.0)

    def adjust(
        self, household_id: int | None, quantities: Iterable[tuple[int | None, float]], sign: float
    ) -> None:
        """Add (sign 1) or remove (sign -1) (product id, quantity) pairs of a live order."""
        if household_id is None or not self._limited:
            return
        held = self._held_by(household_id)
        for product_id, qty in quantities:
            if product_id is not None:
                held[product_id] = held.get(product_id, 0.0) + sign * qty

    def _held_by(self, household_id: int) -> dict[int, float]:
        return self._held.setdefault(household_id, {})
