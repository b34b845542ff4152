"""Value types of a campaign (团购): order flags, and the frozen views storage returns.

Plain data only, so handlers, models and the worker page share them; the CampaignRepo
Protocol that produces them lives in `handlers.campaign.repo` (which re-exports these).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from handlers.household.repo import Address, Household
from handlers.statuses import CampaignStatus, OrderStatus

AllocationRule = Literal["first_come", "proportional"]

# Flags on an order a worker sees beside it.
FLAG_UNKNOWN_PRODUCT = "unknown_product"  # an item matched no product: asked, not guessed
FLAG_OVER_LIMIT = "over_limit"  # the household asked for more than the limit
FLAG_NO_ADDRESS = "no_address"  # no address and no registered household: 待核实
FLAG_DELIVERY = "delivery"  # vulnerable household: goods are brought to the door
FLAG_SHORT = "short"  # stock was short: less than asked was allocated
FLAG_NOT_ON_ROSTER = "not_on_roster"  # the community keeps a roster and the address is not on it


@dataclass(frozen=True, slots=True)
class ProductSpec:
    """A product as a worker announces it: 蔬菜套餐 38元/份 限2份 库存50."""

    name: str
    price: float | None = None
    unit: str | None = None
    limit: float | None = None  # per household
    stock: float | None = None


@dataclass(frozen=True, slots=True)
class CampaignDraft:
    """What 开团 says; times are aware (UTC or Shanghai, storage converts)."""

    title: str
    products: tuple[ProductSpec, ...]
    cutoff_at: datetime | None = None
    arrival_at: datetime | None = None
    pickup_point: str = ""
    slot_minutes: int = 30
    slot_capacity: int = 20
    allocation_rule: AllocationRule = "first_come"
    min_total: float | None = None  # 成团: the batch goes ahead only with this many (issue 17)
    groups: tuple[str, ...] = ()  # 发到：3号楼群、5号楼群 (empty: every group of the community)


@dataclass(frozen=True, slots=True)
class CampaignView:
    """A stored campaign."""

    id: int
    chat_id: str
    channel: str
    title: str
    status: CampaignStatus
    products: tuple[ProductSpec, ...]
    cutoff_at: datetime | None
    arrival_at: datetime | None
    pickup_point: str
    slot_minutes: int
    slot_capacity: int
    allocation_rule: AllocationRule
    created_by: str
    created_at: datetime
    min_total: float | None = None  # 成团 minimum, in the first product's unit
    community_id: int | None = None


@dataclass(frozen=True, slots=True)
class LineView:
    """One order line: `qty` as recorded (within limits), `requested_qty` as written."""

    id: int
    name: str
    qty: float
    unit: str | None
    product: str | None  # the matched product's name; None when unknown
    requested_qty: float
    allocated_qty: float | None = None

    @property
    def final_qty(self) -> float:
        """What the household gets: the allocation once made, else the recorded quantity."""
        return self.qty if self.allocated_qty is None else self.allocated_qty


@dataclass(frozen=True, slots=True)
class OrderView:
    """A stored order with its household and lines; `no` is the number workers use (12 号)."""

    id: int
    campaign_id: int
    no: int
    status: OrderStatus
    household: Household | None
    lines: tuple[LineView, ...]
    chat_id: str
    sender_id: str
    seq: int | None
    created_at: datetime
    flags: tuple[str, ...] = ()
    reason: str | None = None
    slot_start_at: datetime | None = None
    slot_end_at: datetime | None = None
    pickup_code: str | None = None
    picked_up_at: datetime | None = None
    household_id: int | None = None
    entry_id: int | None = None  # the 接龙 entry it came from
    entry_name: str | None = None  # the name written on that entry (the household's may differ)


@dataclass(frozen=True, slots=True)
class SlotView:
    """A pickup slot (分时段) with its capacity and the buildings it serves."""

    id: int
    start_at: datetime
    end_at: datetime
    capacity: int
    buildings: tuple[str, ...]
    count: int


@dataclass(frozen=True, slots=True)
class SlotPlan:
    """A slot to store: storage gives it an id."""

    start_at: datetime
    end_at: datetime
    capacity: int
    buildings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one sync of chain entries into orders changed (for replies and the scheduler)."""

    campaign_id: int
    created: tuple[OrderView, ...] = ()
    withdrawn: tuple[int, ...] = ()  # order nos
    updated: tuple[int, ...] = ()  # order nos

    @property
    def changed(self) -> bool:
        """True when anything was written."""
        return bool(self.created or self.withdrawn or self.updated)


@dataclass(frozen=True, slots=True)
class OrderFilter:
    """Filters of the order list (the worker page filters by building and status)."""

    statuses: tuple[OrderStatus, ...] = ()
    building: str | None = None
    nos: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One 台账 row as the worker page shows it."""

    id: int
    actor: str
    action: str
    record_type: str
    record_id: str
    before: Mapping[str, object] | None
    after: Mapping[str, object] | None
    at: datetime


@dataclass(frozen=True, slots=True)
class OutboxNotice:
    """A message to queue in the outbox (the scheduler's sender delivers it)."""

    channel: str
    target: str
    text: str
    dedupe_key: str
    kind: str = "text"
    not_before_at: datetime | None = None
    expires_at: datetime | None = None
    order_id: int | None = None
    mention_mobile: str | None = None  # a 企业微信 robot @-mentions it (the household agreed)
    manual: bool = False  # 需人工通知: no channel reaches the resident; no sender claims it


def building_key(building: str | None) -> tuple[int, int, str]:
    """A building name's natural order (2 before 10, letters after numbers, no building last):
    how buildings compare, so storage and every list sort them alike."""
    if building is None:
        return (2, 0, "")
    digits = re.match(r"\d+", building)
    return (0, int(digits[0]), building) if digits else (1, 0, building)


# --- an import of a 快团团 / 群接龙 export (issue 17): the plan `order_import` makes ------

Outcome = Literal["placed", "merged", "unplaced", "skipped"]


@dataclass(frozen=True, slots=True)
class ExistingOrder:
    """An order already in the campaign, with the export rows it came from (快团团:123 …)."""

    order: OrderView
    refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlannedLine:
    """One product line of an imported order."""

    name: str
    product: str | None
    qty: float
    unit: str | None


@dataclass(frozen=True, slots=True)
class PlannedOrder:
    """What one export order becomes."""

    rows: tuple[int, ...]
    key: str
    ref: str | None  # kept on the order so a later file does not bring it twice
    address: Address | None
    name: str
    phone: str | None
    where: str
    note: str
    lines: tuple[PlannedLine, ...]
    amount: int | None  # fen, what the export says the order cost
    refund: int  # fen already refunded in the export
    paid: bool
    outcome: Outcome
    merge_into: int | None = None  # an existing order's id
    merge_with: int | None = None  # index of an earlier planned order (same household)
    why: str = ""  # the preview's word on merges, 待核实 and skips
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """The preview: what each row becomes, or the problems that stop the import."""

    source: str  # ktt / jielong / sheet
    sheet: str
    orders: tuple[PlannedOrder, ...]
    problems: tuple[str, ...] = ()
    filled: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Nothing stops the import."""
        return not self.problems

    def counts(self) -> dict[str, int]:
        """Rows per outcome, and all rows."""
        out = {"rows": 0, "placed": 0, "merged": 0, "unplaced": 0, "skipped": 0}
        for o in self.orders:
            out[o.outcome] += len(o.rows)
            out["rows"] += len(o.rows)
        return out
