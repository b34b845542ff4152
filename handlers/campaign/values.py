"""Value types of a campaign (团购): order flags, and the frozen views storage returns.

Plain data only, so handlers, models and the worker page share them; the CampaignRepo
Protocol that produces them lives in `handlers.campaign.repo` (which re-exports these).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from handlers.household.repo import Household
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


# --- the order plan (issue 15): what a sync loads, and what `plan.plan_orders` decides --------


@dataclass(frozen=True, slots=True)
class LinkCandidate:
    """An active campaign a 接龙 chain may link to."""

    id: int
    title: str
    chat_id: str
    created_at: datetime
    community_id: int | None


@dataclass(frozen=True, slots=True)
class ChainLink:
    """An order-list chain, its campaign when linked, else the campaigns it may link to (and
    the community of its chat, read only when there are some)."""

    id: int
    campaign_id: int | None
    title: str
    chat_id: str
    opened_at: datetime
    candidates: tuple[LinkCandidate, ...] = ()
    community_id: int | None = None


@dataclass(frozen=True, slots=True)
class PlanTerms:
    """The locked campaign's terms a plan needs: numbers, cut-off, and whether it keeps a roster."""

    id: int
    status: CampaignStatus
    community_id: int | None
    channel: str
    cutoff_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    next_order_no: int
    has_roster: bool


@dataclass(frozen=True, slots=True)
class PlanEntry:
    """A 接龙 entry with the order already made from it, if any (at most one per campaign)."""

    id: int
    seq: int
    author_id: str
    status: str
    raw: str
    building: str | None
    unit: str | None
    room: str | None
    name: str | None
    phone: str | None
    note: str | None
    items: Sequence[Mapping[str, Any]]
    first_seen_at: datetime
    updated_at: datetime
    chat_id: str
    order_id: int | None
    order_version: datetime | None
    order_household_id: int | None


@dataclass(frozen=True, slots=True)
class PlanHome:
    """The household an entry orders for, as storage found (or created) it."""

    id: int
    household: Household
    on_roster: bool
    is_new: bool = False  # created by this sync: holds nothing yet


@dataclass(frozen=True, slots=True)
class StoredLine:
    product_id: int | None
    name: str
    qty: float


@dataclass(frozen=True, slots=True)
class StoredOrder:
    """An order an entry already made, with its lines (read when the entry changed)."""

    id: int
    no: int
    status: OrderStatus
    flags: tuple[str, ...]
    household_id: int | None
    lines: tuple[StoredLine, ...]


@dataclass(frozen=True, slots=True)
class StoredProduct:
    id: int
    spec: ProductSpec


@dataclass(frozen=True, slots=True)
class EntryState:
    """An entry to plan, with its household (a new order) or its order (a changed entry)."""

    entry: PlanEntry
    home: PlanHome | None = None
    order: StoredOrder | None = None


@dataclass(frozen=True, slots=True)
class PricedLine:
    """An order line to write: `qty` within the limit, `requested_qty` as written."""

    product_id: int | None
    product_name: str | None
    name: str
    qty: float
    unit: str | None
    requested_qty: float


@dataclass(frozen=True, slots=True)
class NewOrder:
    """An entry becomes order `no` of its household."""

    entry: PlanEntry
    home: PlanHome | None
    no: int
    status: OrderStatus  # pending, or late after the cut-off / 截单
    flags: tuple[str, ...]
    lines: tuple[PricedLine, ...]


@dataclass(frozen=True, slots=True)
class OrderChange:
    """An order follows its changed entry: `edit` (new lines and flags), `withdraw`, or
    `ignore` (decided already: only noted)."""

    entry: PlanEntry
    order: StoredOrder
    kind: Literal["edit", "withdraw", "ignore"]
    flags: tuple[str, ...] = ()
    lines: tuple[PricedLine, ...] = ()


@dataclass(frozen=True, slots=True)
class OrderPlan:
    """What one sync writes, in entry order, and the campaign's next order number after it."""

    campaign_id: int
    steps: tuple[NewOrder | OrderChange, ...]
    next_order_no: int


Held = Mapping[int, Mapping[int, float]]  # household id → product id → quantity in live orders
