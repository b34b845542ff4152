"""Share short stock among orders: first come within limits (default) or proportional. Pure."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from handlers.campaign.repo import AllocationRule


@dataclass(frozen=True, slots=True)
class Demand:
    """One order line asking for a product; `rank` is its place in the queue (first come)."""

    line_id: int
    product: str
    qty: float
    rank: int


def allocate(
    demands: Sequence[Demand], stock: Mapping[str, float | None], rule: AllocationRule
) -> dict[int, float]:
    """Allocated quantity per line id. Products with unknown or sufficient stock get all."""
    result: dict[int, float] = {}
    for product in sorted({d.product for d in demands}):
        group = sorted((d for d in demands if d.product == product), key=lambda d: d.rank)
        available = stock.get(product)
        if available is None or sum(d.qty for d in group) <= available:
            result.update({d.line_id: d.qty for d in group})
        elif rule == "proportional":
            result.update(_proportional(group, max(available, 0.0)))
        else:
            result.update(_first_come(group, max(available, 0.0)))
    return result


def short_products(demands: Sequence[Demand], stock: Mapping[str, float | None]) -> list[str]:
    """Products whose total demand exceeds the known stock."""
    totals: dict[str, float] = {}
    for d in demands:
        totals[d.product] = totals.get(d.product, 0.0) + d.qty
    return sorted(p for p, total in totals.items() if (s := stock.get(p)) is not None and total > s)


def _first_come(group: Sequence[Demand], available: float) -> dict[int, float]:
    out: dict[int, float] = {}
    for d in group:
        give = min(d.qty, available)
        out[d.line_id] = give
        available -= give
    return out


def _proportional(group: Sequence[Demand], available: float) -> dict[int, float]:
    """Whole units in proportion; the units left over go by largest remainder, then rank."""
    total = sum(d.qty for d in group)
    exact = {d.line_id: d.qty * available / total for d in group}
    out = {d.line_id: float(math.floor(exact[d.line_id])) for d in group}
    left = math.floor(available - sum(out.values()) + 1e-9)
    by_remainder = sorted(group, key=lambda d: (-(exact[d.line_id] - out[d.line_id]), d.rank))
    for d in by_remainder:
        if left <= 0:
            break
        if out[d.line_id] + 1 <= d.qty:
            out[d.line_id] += 1
            left -= 1
    return out
