"""The tables of the in-memory campaign repository (`tests.fakes_campaigns`): one mutable row
type per SQL table it stands for, and the reads every part of the fake shares (order views,
audit rows, households, chat registrations), each as `models/` reads them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from handlers.campaign.plan_values import StoredProduct
from handlers.campaign.values import (
    AllocationRule,
    AuditEntry,
    CampaignView,
    LineView,
    OrderView,
    OutboxNotice,
)
from handlers.community.values import ChatRegistration, GroupRef
from handlers.household.repo import Household
from handlers.money.repo import PaymentView
from handlers.statuses import CampaignStatus, OrderStatus
from tests.fakes_chains import FakeChainRepo, FakeMemberRepo


@dataclass
class FakeCampaign:
    """A campaigns row."""

    id: int
    chat_id: str
    channel: str
    title: str
    status: CampaignStatus
    cutoff_at: datetime | None
    arrival_at: datetime | None
    pickup_point: str
    slot_minutes: int
    slot_capacity: int
    allocation_rule: AllocationRule
    created_by: str
    created_at: datetime
    min_total: float | None
    community_id: int | None
    next_order_no: int = 1
    closed_at: datetime | None = None
    arrived_at: datetime | None = None


@dataclass
class FakeHome:
    """A households row (the value keeps the @-mention consent as `models` splits it off)."""

    id: int
    community_id: int | None
    value: Household
    on_roster: bool = False

    @property
    def address(self) -> tuple[int | None, str | None, str | None, str | None]:
        return (self.community_id, self.value.building, self.value.unit, self.value.room)


@dataclass
class FakeMember:
    """A members row: who a sender is on a channel, their community and household."""

    channel: str
    sender_id: str
    community_id: int | None = None
    household_id: int | None = None
    last_message_at: datetime | None = None


@dataclass
class FakeOrder:
    """An orders row."""

    id: int
    campaign_id: int
    no: int
    status: OrderStatus
    household_id: int | None
    entry_id: int | None
    chat_id: str
    sender_id: str
    flags: list[str]
    created_at: datetime
    updated_at: datetime
    entry_version: datetime | None = None
    note: str | None = None
    reason: str | None = None
    slot_id: int | None = None
    slot_start_at: datetime | None = None
    slot_end_at: datetime | None = None
    pickup_code: str | None = None
    picked_up_at: datetime | None = None
    picked_up_by: str | None = None


@dataclass
class FakeLine:
    """An order_lines row (a replaced line stays at quantity 0)."""

    id: int
    order_id: int
    product_id: int | None
    name: str
    qty: float
    unit: str | None
    requested_qty: float
    allocated_qty: float | None = None


@dataclass
class FakeSlot:
    """A pickup_slots row."""

    id: int
    campaign_id: int
    start_at: datetime
    end_at: datetime
    capacity: int
    buildings: list[str] = field(default_factory=list)


def _plain(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """JSON-safe copy, as `models.audit` stores it: datetimes become ISO text."""
    if value is None:
        return None
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in value.items()}


@dataclass
class CampaignTables:
    """Every table of the fake, with the reads its parts share. `chains` holds the 接龙 entries
    the order sync plans from; `members` is the Context's MemberRepo, kept in step."""

    chains: FakeChainRepo = field(default_factory=FakeChainRepo)
    members: FakeMemberRepo = field(default_factory=FakeMemberRepo)
    campaigns: dict[int, FakeCampaign] = field(default_factory=dict)
    products: dict[int, list[StoredProduct]] = field(default_factory=dict)  # by campaign
    chain_campaign: dict[int, int] = field(default_factory=dict)  # chain id → campaign id
    homes: dict[int, FakeHome] = field(default_factory=dict)
    people: dict[tuple[str, str], FakeMember] = field(default_factory=dict)
    chats: list[ChatRegistration] = field(default_factory=list)  # registered chats
    groups: dict[int, list[GroupRef]] = field(default_factory=dict)  # announced, by campaign
    orders: dict[int, FakeOrder] = field(default_factory=dict)
    lines: dict[int, FakeLine] = field(default_factory=dict)
    slots: dict[int, FakeSlot] = field(default_factory=dict)
    outbox: list[OutboxNotice] = field(default_factory=list)  # not_before_at filled in
    audits: list[AuditEntry] = field(default_factory=list)
    payments: list[PaymentView] = field(default_factory=list)
    product_ids: int = 0

    def write_audit(
        self,
        actor: str,
        action: str,
        record_type: str,
        record_id: int | str,
        before: Mapping[str, Any] | None,
        after: Mapping[str, Any] | None,
        at: datetime,
    ) -> None:
        entry = AuditEntry(
            len(self.audits) + 1,
            actor,
            action,
            record_type,
            str(record_id),
            _plain(before),
            _plain(after),
            at,
        )
        self.audits.append(entry)

    def campaign_view(self, c: FakeCampaign) -> CampaignView:
        return CampaignView(
            id=c.id,
            chat_id=c.chat_id,
            channel=c.channel,
            title=c.title,
            status=c.status,
            products=tuple(p.spec for p in self.products.get(c.id, [])),
            cutoff_at=c.cutoff_at,
            arrival_at=c.arrival_at,
            pickup_point=c.pickup_point,
            slot_minutes=c.slot_minutes,
            slot_capacity=c.slot_capacity,
            allocation_rule=c.allocation_rule,
            created_by=c.created_by,
            created_at=c.created_at,
            min_total=c.min_total,
            community_id=c.community_id,
        )

    def order_lines(self, order_id: int) -> list[FakeLine]:
        return [ln for ln in self.lines.values() if ln.order_id == order_id]

    def product_name(self, product_id: int | None) -> str | None:
        names = {p.id: p.spec.name for ps in self.products.values() for p in ps}
        return None if product_id is None else names.get(product_id)

    def order_view(self, o: FakeOrder) -> OrderView:
        """As `models.campaign_views.views_of` reads it back."""
        entry = self.chains.entries.get(o.entry_id) if o.entry_id is not None else None
        home = self.homes.get(o.household_id) if o.household_id is not None else None
        lines = tuple(
            LineView(
                ln.id,
                ln.name,
                ln.qty,
                ln.unit,
                self.product_name(ln.product_id),
                ln.requested_qty,
                ln.allocated_qty,
            )
            for ln in self.order_lines(o.id)
            if ln.qty > 0 or ln.requested_qty > 0
        )
        return OrderView(
            id=o.id,
            campaign_id=o.campaign_id,
            no=o.no,
            status=o.status,
            household=home.value if home else None,
            lines=lines,
            chat_id=o.chat_id,
            sender_id=o.sender_id,
            seq=entry.seq if entry else None,
            created_at=o.created_at,
            flags=tuple(o.flags),
            reason=o.reason,
            slot_start_at=o.slot_start_at,
            slot_end_at=o.slot_end_at,
            pickup_code=o.pickup_code,
            picked_up_at=o.picked_up_at,
            household_id=o.household_id,
            entry_id=o.entry_id,
            entry_name=entry.parsed.name if entry else None,
        )

    def views(self, orders: Sequence[FakeOrder]) -> list[OrderView]:
        return [self.order_view(o) for o in orders]

    def member_home(self, channel: str, sender_id: str) -> int | None:
        member = self.people.get((channel, sender_id))
        return member.household_id if member else None

    def chat_community(self, chat_id: str) -> int | None:
        """The community a chat belongs to (any channel it is registered on), if any."""
        return next(
            (c.community_id for c in self.chats if c.chat_id == chat_id and c.community_id),
            None,
        )

    def registrations(self, chat_id: str) -> tuple[ChatRegistration, ...]:
        return tuple(c for c in self.chats if c.chat_id == chat_id)

    def has_roster(self, community_id: int | None) -> bool:
        return community_id is not None and any(
            h.community_id == community_id and h.on_roster for h in self.homes.values()
        )
