"""The CampaignRepo Protocol that storage implements, and NoCampaigns for Contexts without one.

Chat commands, the scheduler's jobs and the worker page all work through `CampaignRepo`;
`models.campaigns_repo.SqlCampaignRepo` implements it and every write leaves an audit row.
The value types live in `handlers.campaign.values` and are re-exported here, so
`from handlers.campaign.repo import OrderView` keeps working.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from handlers.campaign.sync_repo import NoOrderSync, OrderSyncRepo
from handlers.campaign.values import (
    FLAG_DELIVERY,
    FLAG_NO_ADDRESS,
    FLAG_NOT_ON_ROSTER,
    FLAG_OVER_LIMIT,
    FLAG_SHORT,
    FLAG_UNKNOWN_PRODUCT,
    AllocationRule,
    AuditEntry,
    CampaignDraft,
    CampaignView,
    LineView,
    OrderFilter,
    OrderView,
    OutboxNotice,
    ProductSpec,
    SlotPlan,
    SlotView,
    SyncReport,
)
from handlers.community.values import NamedChat, OrderContact
from handlers.money.repo import NoPayments, PaymentRepo
from handlers.statuses import (
    CampaignStatus,
    OrderStatus,
)

__all__ = [
    "FLAG_DELIVERY",
    "FLAG_NOT_ON_ROSTER",
    "FLAG_NO_ADDRESS",
    "FLAG_OVER_LIMIT",
    "FLAG_SHORT",
    "FLAG_UNKNOWN_PRODUCT",
    "NO_CAMPAIGNS",
    "AllocationRule",
    "AuditEntry",
    "CampaignDraft",
    "CampaignRepo",
    "CampaignView",
    "LineView",
    "NoCampaigns",
    "NoOrderSync",
    "OrderFilter",
    "OrderSyncRepo",
    "OrderView",
    "OutboxNotice",
    "ProductSpec",
    "SlotPlan",
    "SlotView",
    "SyncReport",
]


class CampaignRepo(PaymentRepo, OrderSyncRepo, Protocol):
    """Storage of campaigns, orders, slots, pickups and money. Every write records an audit row."""

    def create_campaign(
        self,
        draft: CampaignDraft,
        chat_id: str,
        channel: str,
        actor: str,
        at: datetime,
        community_id: int | None = None,
    ) -> CampaignView:
        """Store a new open campaign with its products, in `community_id` (default: the chat's
        community, else the actor's)."""

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

    def queue_notices(self, notices: Sequence[OutboxNotice], now: datetime) -> int:
        """Queue messages in the outbox unless their dedupe key exists; return how many are new.
        A notice without `not_before_at` is due at `now`; a `manual` one flags its order
        需人工通知."""

    def campaign_chats(self, campaign_id: int) -> list[NamedChat]:
        """The chats the campaign names: those of its community it was announced to and every
        chat whose 接龙 linked to it, with their registrations (`handlers.reach.campaign_groups`
        says which are groups Linli can post to)."""

    def order_contact(self, order_id: int) -> OrderContact | None:
        """How the resident of this order can be reached (`handlers.reach.reach_order`)."""

    def set_arrival(self, campaign_id: int, arrival_at: datetime, actor: str, at: datetime) -> None:
        """Record when the goods arrive (到货 command with a time, or now)."""

    def audit_log(self, record_type: str = "", record_id: str = "") -> list[AuditEntry]:
        """Audit rows newest first, optionally for one record."""

    def set_min_total(
        self, campaign_id: int, min_total: float | None, actor: str, at: datetime
    ) -> None:
        """Set or clear the 成团 minimum (issue 17)."""


class NoCampaigns(NoPayments, NoOrderSync):
    """The CampaignRepo of a Context built without one (handler tests of other features):
    no campaign exists, so every campaign route stays silent. Writes are refused."""

    def create_campaign(
        self,
        draft: CampaignDraft,
        chat_id: str,
        channel: str,
        actor: str,
        at: datetime,
        community_id: int | None = None,
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

    def queue_notices(self, notices: Sequence[OutboxNotice], now: datetime) -> int:
        return 0

    def campaign_chats(self, campaign_id: int) -> list[NamedChat]:
        return []

    def order_contact(self, order_id: int) -> OrderContact | None:
        return None

    def set_arrival(self, campaign_id: int, arrival_at: datetime, actor: str, at: datetime) -> None:
        raise RuntimeError("no campaign storage in this Context")

    def audit_log(self, record_type: str = "", record_id: str = "") -> list[AuditEntry]:
        return []

    def set_min_total(
        self, campaign_id: int, min_total: float | None, actor: str, at: datetime
    ) -> None:
        raise RuntimeError("no campaign storage in this Context")


NO_CAMPAIGNS: CampaignRepo = NoCampaigns()
