"""The order plan's values (issue 15): what a sync loads for `plan.plan_orders`, and what
it decides."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from handlers.campaign.values import ProductSpec
from handlers.household.repo import Household
from handlers.statuses import CampaignStatus, OrderStatus


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
