"""Value types of a campaign (团购) and the CampaignRepo Protocol that storage implements.

Chat commands, the scheduler's jobs and the worker page all work through `CampaignRepo`;
`models.campaigns_repo.SqlCampaignRepo` implements it and every write leaves an audit row.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from handlers.members_store import Household

CampaignStatus = Literal["open", "closed", "arrived", "done", "cancelled"]
OrderStatus = Literal[
    "pending", "late", "confirmed", "rejected", "ready", "picked_up", "cancelled", "withdrawn"
]
AllocationRule = Literal["first_come", "proportional"]

# Order statuses that still want goods (count against limits and stock).
LIVE_STATUSES: tuple[OrderStatus, ...] = ("pending", "late", "confirmed", "ready", "picked_up")
# Statuses a worker may still confirm or reject.
OPEN_STATUSES: tuple[OrderStatus, ...] = ("pending", "late")

# Flags on an order a worker sees beside it.
FLAG_UNKNOWN_PRODUCT = "unknown_product"  # an item matched no product: asked, not guessed
FLAG_OVER_LIMIT = "over_limit"  # the household asked for more than the limit
FLAG_NO_ADDRESS = "no_address"  # no address and no registered household: 待核实
FLAG_DELIVERY = "delivery"  # vulnerable household: goods are brought to the door
FLAG_SHORT = "short"  # stock was short: less than asked was allocated


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


class CampaignRepo(Protocol):
    """Storage of campaigns, orders, slots and pickups. Every write records an audit row."""

    def create_campaign(
        self, draft: CampaignDraft, chat_id: str, channel: str, actor: str, at: datetime
    ) -> CampaignView:
        """Store a new open campaign with its products."""

    def get_campaign(self, campaign_id: int) -> CampaignView | None:
        """One campaign by id."""

    def current_campaign(self, chat_id: str, channel: str, sender_id: str) -> CampaignView | None:
        """The newest campaign not done in this chat (home chat or a linked chain's chat);
        else the newest in the sender's community; else the newest anywhere."""

    def list_campaigns(self, statuses: Collection[CampaignStatus] = ()) -> list[CampaignView]:
        """Campaigns newest first, optionally only those with these statuses."""

    def due_campaigns(self, status: CampaignStatus, when: str, now: datetime) -> list[int]:
        """Ids of campaigns in `status` whose `when` time (cutoff_at / arrival_at) is <= now."""

    def set_campaign_status(
        self, campaign_id: int, status: CampaignStatus, actor: str, at: datetime
    ) -> None:
        """Move a campaign to a new status."""

    def sync_orders(self, campaign_id: int, at: datetime) -> SyncReport:
        """Bring the campaign's orders in line with its chains' entries. Idempotent."""

    def sync_chat(self, chat_id: str, at: datetime) -> list[SyncReport]:
        """Sync every not-done campaign that a chain in this chat belongs (or can link) to."""

    def list_orders(self, campaign_id: int, where: OrderFilter | None = None) -> list[OrderView]:
        """Orders in number order, filtered."""

    def orders_of_sender(self, campaign_id: int, channel: str, sender_id: str) -> list[OrderView]:
        """Orders the sender wrote or that belong to the sender's registered household."""

    def set_order_status(
        self,
        order_ids: Collection[int],
        status: OrderStatus,
        actor: str,
        at: datetime,
        reason: str | None = None,
    ) -> None:
        """Move orders to a status (bulk)."""

    def set_line(
        self, line_id: int, qty: float, actor: str, at: datetime, product: str | None = None
    ) -> None:
        """Change a line's quantity, and its product when given (a worker's 调整, a resident's
        修改, or the answer to "which product did you mean")."""

    def save_allocation(
        self,
        campaign_id: int,
        allocated: Mapping[int, float],
        rule: AllocationRule,
        actor: str,
        at: datetime,
    ) -> None:
        """Store allocated quantities by line id and the rule used."""

    def list_slots(self, campaign_id: int) -> list[SlotView]:
        """The campaign's pickup slots in time order with their current counts."""

    def save_slots(
        self,
        campaign_id: int,
        plans: Sequence[SlotPlan],
        assignment: Mapping[int, int],
        codes: Mapping[int, str],
        actor: str,
        at: datetime,
    ) -> list[SlotView]:
        """Add slots, then give orders (by id) a slot (index into existing + new slots) and a
        pickup code; the orders become `ready`."""

    def mark_picked_up(self, order_id: int, actor: str, at: datetime) -> None:
        """Record a pickup (核销)."""

    def queue_notices(self, notices: Sequence[OutboxNotice]) -> int:
        """Queue messages in the outbox unless their dedupe key exists; return how many are new."""

    def campaign_chats(self, campaign_id: int) -> list[tuple[str, str]]:
        """(channel, chat id) of the campaign's group and of every chat with a linked chain."""

    def set_arrival(self, campaign_id: int, arrival_at: datetime, actor: str, at: datetime) -> None:
        """Record when the goods arrive (到货 command with a time, or now)."""

    def audit_log(self, record_type: str = "", record_id: str = "") -> list[AuditEntry]:
        """Audit rows newest first, optionally for one record."""


class NoCampaigns:
    """The CampaignRepo of a Context built without one (handler tests of other features):
    no campaign exists, so every campaign route stays silent. Writes are refused."""

    def create_campaign(
        self, draft: CampaignDraft, chat_id: str, channel: str, actor: str, at: datetime
    ) -> CampaignView:
        raise RuntimeError("no campaign storage in this Context")

    def get_campaign(self, campaign_id: int) -> CampaignView | None:
        return None

    def current_campaign(self, chat_id: str, channel: str, sender_id: str) -> CampaignView | None:
        return None

    def list_campaigns(self, statuses: Collection[CampaignStatus] = ()) -> list[CampaignView]:
        return []

    def due_campaigns(self, status: CampaignStatus, when: str, now: datetime) -> list[int]:
        return []

    def set_campaign_status(
        self, campaign_id: int, status: CampaignStatus, actor: str, at: datetime
    ) -> None:
        raise RuntimeError("no campaign storage in this Context")

    def sync_orders(self, campaign_id: int, at: datetime) -> SyncReport:
        return SyncReport(campaign_id)

    def sync_chat(self, chat_id: str, at: datetime) -> list[SyncReport]:
        return []

    def list_orders(self, campaign_id: int, where: OrderFilter | None = None) -> list[OrderView]:
        return []

    def orders_of_sender(self, campaign_id: int, channel: str, sender_id: str) -> list[OrderView]:
        return []

    def set_order_status(
        self,
        order_ids: Collection[int],
        status: OrderStatus,
        actor: str,
        at: datetime,
        reason: str | None = None,
    ) -> None:
        raise RuntimeError("no campaign storage in this Context")

    def set_line(
        self, line_id: int, qty: float, actor: str, at: datetime, product: str | None = None
    ) -> None:
        raise RuntimeError("no campaign storage in this Context")

    def save_allocation(
        self,
        campaign_id: int,
        allocated: Mapping[int, float],
        rule: AllocationRule,
        actor: str,
        at: datetime,
    ) -> None:
        raise RuntimeError("no campaign storage in this Context")

    def list_slots(self, campaign_id: int) -> list[SlotView]:
        return []

    def save_slots(
        self,
        campaign_id: int,
        plans: Sequence[SlotPlan],
        assignment: Mapping[int, int],
        codes: Mapping[int, str],
        actor: str,
        at: datetime,
    ) -> list[SlotView]:
        raise RuntimeError("no campaign storage in this Context")

    def mark_picked_up(self, order_id: int, actor: str, at: datetime) -> None:
        raise RuntimeError("no campaign storage in this Context")

    def queue_notices(self, notices: Sequence[OutboxNotice]) -> int:
        return 0

    def campaign_chats(self, campaign_id: int) -> list[tuple[str, str]]:
        return []

    def set_arrival(self, campaign_id: int, arrival_at: datetime, actor: str, at: datetime) -> None:
        raise RuntimeError("no campaign storage in this Context")

    def audit_log(self, record_type: str = "", record_id: str = "") -> list[AuditEntry]:
        return []


NO_CAMPAIGNS: CampaignRepo = NoCampaigns()
