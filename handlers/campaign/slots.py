"""Pickup slots (分时段) by building, never over capacity, and short pickup codes. Pure."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.campaign.repo import SlotPlan, SlotView
from handlers.campaign.values import building_key

CODE_DIGITS = 4


@dataclass(frozen=True, slots=True)
class Pickup:
    """An order waiting for a slot: its id and building (None sorts last)."""

    order_id: int
    building: str | None


@dataclass(frozen=True, slots=True)
class SlotResult:
    """New slots to add and each order's slot index (into existing + new slots, in time order)."""

    new_slots: tuple[SlotPlan, ...]
    assignment: dict[int, int]


def assign_slots(
    pickups: Sequence[Pickup],
    existing: Sequence[SlotView],
    first_start: datetime,
    minutes: int,
    capacity: int,
) -> SlotResult:
    """Fill slots building by building in time order; open new slots as needed.

    A building that does not fit in what is left of a slot that is already at least half
    full starts in the next slot, so neighbours pick up together; no slot exceeds capacity.
    """
    capacity = max(capacity, 1)
    free = [max(s.capacity - s.count, 0) for s in existing]
    caps = [s.capacity for s in existing]
    plans: list[SlotPlan] = []
    start = existing[-1].end_at if existing else first_start
    assignment: dict[int, int] = {}
    index = 0
    for group in _by_building(pickups):
        index = _first_fitting(free, caps, index, len(group))
        for pickup in group:
            while index >= len(free) or free[index] == 0:
                if index >= len(free):
                    plans.append(SlotPlan(start, start + timedelta(minutes=minutes), capacity))
                    start += timedelta(minutes=minutes)
                    free.append(capacity)
                    caps.append(capacity)
                else:
                    index += 1
            assignment[pickup.order_id] = index
            free[index] -= 1
    return SlotResult(tuple(_with_buildings(plans, existing, pickups, assignment)), assignment)


def _by_building(pickups: Sequence[Pickup]) -> list[list[Pickup]]:
    groups: dict[str | None, list[Pickup]] = {}
    for p in sorted(pickups, key=lambda p: (building_key(p.building), p.order_id)):
        groups.setdefault(p.building, []).append(p)
    return list(groups.values())


def _first_fitting(free: list[int], caps: list[int], index: int, size: int) -> int:
    """Skip a half-full slot whose remainder cannot hold the whole building."""
    while index < len(free) and (
        free[index] == 0 or (free[index] < size and free[index] <= caps[index] // 2)
    ):
        index += 1
    return index


def _with_buildings(
    plans: list[SlotPlan],
    existing: Sequence[SlotView],
    pickups: Sequence[Pickup],
    assignment: dict[int, int],
) -> list[SlotPlan]:
    buildings = {p.order_id: p.building for p in pickups}
    out = []
    for offset, plan in enumerate(plans):
        index = len(existing) + offset
        names = sorted(
            {b for oid, i in assignment.items() if i == index and (b := buildings[oid])},
            key=building_key,
        )
        out.append(SlotPlan(plan.start_at, plan.end_at, plan.capacity, tuple(names)))
    return out


def pickup_code(campaign_id: int, order_id: int, taken: Collection[str]) -> str:
    """A short code (4 digits, not sequential, unique within the campaign)."""
    for attempt in range(10_000):
        digest = hashlib.sha256(f"{campaign_id}:{order_id}:{attempt}".encode()).digest()
        code = str(1000 + int.from_bytes(digest[:4], "big") % 9000)
        if code not in taken:
            return code
    raise RuntimeError("no free pickup code")  # 9000 codes per campaign: not reachable


def pickup_codes(
    campaign_id: int, order_ids: Sequence[int], taken: Collection[str]
) -> dict[int, str]:
    """Codes for several orders, none repeated and none already taken."""
    used = set(taken)
    out: dict[int, str] = {}
    for order_id in order_ids:
        out[order_id] = code = pickup_code(campaign_id, order_id, used)
        used.add(code)
    return out
