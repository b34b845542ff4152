"""What the campaign page shows, computed from the campaigns repository's value types.

Reads and writes go through `SqlCampaignRepo`; the few lookups it does not offer (order by
pickup code or address, 待核实 chain entries, fixing an order's address) live here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.admin.charts import Chart, SlotLoad, bar_chart, slot_chart
from handlers.campaign.allocation import Demand, allocate
from handlers.campaign.repo import (
    FLAG_NO_ADDRESS,
    FLAG_NOT_ON_ROSTER,
    FLAG_UNKNOWN_PRODUCT,
    AllocationRule,
    CampaignView,
    OrderView,
    SlotView,
)
from handlers.campaign.values import building_key
from handlers.jielong.repo import DOUBT_FLAGS
from handlers.statuses import LIVE_STATUSES
from models.campaign import Order
from models.chain import Chain, ChainEntry

FIX_FLAGS = (FLAG_NO_ADDRESS, FLAG_UNKNOWN_PRODUCT, FLAG_NOT_ON_ROSTER)
ORDER_LABELS = {
    "pending": "待确认",
    "late": "迟到",
    "confirmed": "已确认",
    "rejected": "已拒绝",
    "ready": "待取货",
    "picked_up": "已取货",
    "cancelled": "已取消",
    "withdrawn": "已撤回",
}
FLAG_LABELS = {
    "unknown_product": "商品不明",
    "over_limit": "超限购",
    "no_address": "无地址",
    "delivery": "送货上门",
    "short": "缺货少分",
    "late": "迟到",
    "unreadable": "待核实·没看懂",
    "doubt:no_address": "待核实·无地址",
    "doubt:unknown_item": "待核实·商品不在清单",
    "doubt:qty_range": "待核实·数量是范围",
    "possible_duplicate": "疑似重复",
    "sentence": "私聊下单",
    "not_on_roster": "不在住户名单",
}


@dataclass(frozen=True, slots=True)
class ProductAllocation:
    """One product: stock, what live orders asked, what they were given."""

    name: str
    unit: str | None
    stock: float | None
    requested: float
    allocated: float | None

    @property
    def short(self) -> bool:
        """Asked for more than the known stock."""
        return self.stock is not None and self.requested > self.stock


def live(orders: Sequence[OrderView]) -> list[OrderView]:
    """Orders that still want goods."""
    return [o for o in orders if o.status in LIVE_STATUSES]


def allocation_summary(
    campaign: CampaignView, orders: Sequence[OrderView]
) -> list[ProductAllocation]:
    """Per product totals; `allocated` is None until an allocation was saved."""
    rows = []
    for p in campaign.products:
        lines = [ln for o in live(orders) for ln in o.lines if ln.product == p.name]
        given = [ln.allocated_qty for ln in lines if ln.allocated_qty is not None]
        rows.append(
            ProductAllocation(
                p.name, p.unit, p.stock, sum(ln.qty for ln in lines), sum(given) if given else None
            )
        )
    return rows


def plan_allocation(
    campaign: CampaignView, orders: Sequence[OrderView], rule: AllocationRule
) -> dict[int, float]:
    """Allocated quantity per line id by the stated rule (order number = queue place)."""
    demands = [
        Demand(ln.id, ln.product, ln.qty, o.no)
        for o in live(orders)
        if o.status not in ("picked_up",)
        for ln in o.lines
        if ln.product is not None
    ]
    return allocate(demands, {p.name: p.stock for p in campaign.products}, rule)


def building_of(order: OrderView) -> str:
    """The order's building, or 未知."""
    return (order.household.building if order.household else None) or "未知"


def buildings(orders: Sequence[OrderView]) -> list[str]:
    """Buildings with orders, in natural order."""
    return sorted({building_of(o) for o in orders}, key=lambda b: building_key(b))


def building_chart(orders: Sequence[OrderView]) -> Chart:
    """Live orders per building."""
    counts = Counter(building_of(o) for o in live(orders))
    values = [
        (f"{b}号楼" if b != "未知" else b, float(counts[b]))
        for b in sorted(counts, key=lambda b: building_key(b))
    ]
    return bar_chart("各楼订单数", values)


def slot_label(slot: SlotView, tz: tzinfo) -> str:
    """15:00–15:30 in `tz`."""
    start, end = slot.start_at.astimezone(tz), slot.end_at.astimezone(tz)
    return f"{start:%H:%M}–{end:%H:%M}"


def slot_loads(
    slots: Sequence[SlotView], orders: Sequence[OrderView], tz: tzinfo
) -> list[SlotLoad]:
    """Capacity, assigned and picked up per slot (orders matched by slot start)."""
    picked = Counter(o.slot_start_at for o in orders if o.status == "picked_up")
    return [
        SlotLoad(slot_label(s, tz), s.capacity, s.count, picked.get(s.start_at, 0)) for s in slots
    ]


def pickup_chart(slots: Sequence[SlotView], orders: Sequence[OrderView], tz: tzinfo) -> Chart:
    """Pickups over the slots."""
    return slot_chart("各时段取货", slot_loads(slots, orders, tz))


def orders_to_fix(orders: Sequence[OrderView]) -> list[OrderView]:
    """Live orders a worker must look at: no address, unknown product."""
    return [o for o in live(orders) if any(f in FIX_FLAGS for f in o.flags)]


def unreadable_entries(db: Session, campaign_id: int) -> list[ChainEntry]:
    """Active 接龙 entries of the campaign's chains read with doubt or not at all (待核实)."""
    rows = db.scalars(
        select(ChainEntry)
        .join(Chain, Chain.id == ChainEntry.chain_id)
        .where(Chain.campaign_id == campaign_id, ChainEntry.status == "active")
        .order_by(ChainEntry.chain_id, ChainEntry.seq)
    )
    return [e for e in rows if _unchecked(e.readable, e.flags or [])]


def _unchecked(readable: bool, flags: list[str]) -> bool:
    return any(f in DOUBT_FLAGS for f in flags) or (not readable and "checked" not in flags)


def entry_pictures(entries: Sequence[ChainEntry]) -> dict[int, int]:
    """The picture each entry was read from (its `picture:N` flag), by entry id."""
    found: dict[int, int] = {}
    for entry in entries:
        tag = next((f for f in entry.flags or [] if f.startswith("picture:")), "")
        if tag[len("picture:") :].isdigit():
            found[entry.id] = int(tag[len("picture:") :])
    return found


def mark_entry_checked(db: Session, campaign_id: int, entry_id: int) -> ChainEntry | None:
    """Clear the 待核实 flags of one of the campaign's entries (the caller writes the audit)."""
    entry = next((e for e in unreadable_entries(db, campaign_id) if e.id == entry_id), None)
    if entry is not None:
        entry.flags = [f for f in entry.flags or [] if f not in DOUBT_FLAGS] + ["checked"]
    return entry


def order_ids_by_code(db: Session, campaign_ids: set[int], code: str) -> list[int]:
    """Orders with this pickup code (case and spaces ignored) in these campaigns."""
    wanted = "".join(code.split()).upper()
    if not wanted or not campaign_ids:
        return []
    rows = db.execute(
        select(Order.id, Order.pickup_code).where(
            Order.campaign_id.in_(campaign_ids), Order.pickup_code.is_not(None)
        )
    )
    return [oid for oid, c in rows if (c or "").upper() == wanted]
