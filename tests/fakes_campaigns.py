"""An in-memory CampaignRepo for campaign handler tests without a database, faithful to
`models.campaigns_repo.SqlCampaignRepo`: order numbers in sequence, statuses, an audit row per
write, slots, the outbox with its dedupe keys, payments. Its order sync (`FakeOrderSync`) reads
the entries of a FakeChainRepo. A contract test (tests/campaign/test_campaign_handlers.py)
runs one scenario through this fake and through SQLite and compares the orders."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime

from bot.config import DEFAULT_ZONE
from handlers.campaign.plan_values import StoredProduct
from handlers.campaign.values import (
    AllocationRule,
    AuditEntry,
    CampaignDraft,
    CampaignView,
    OrderFilter,
    OrderView,
)
from handlers.context import Context
from handlers.household.repo import Household, Role
from handlers.statuses import ACTIVE_CAMPAIGNS, CampaignStatus, OrderStatus
from tests.fakes_campaign_rows import FakeCampaign, FakeHome, FakeMember
from tests.fakes_campaign_slots import FakeSlotsAndNotices
from tests.fakes_chains import FakeChainRepo, FakeMemberRepo, FakeNeedRepo
from tests.fakes_money import FakePayments
from tests.fakes_order_sync import FakeOrderSync

T0 = datetime(2022, 4, 11, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


class FakeCampaignRepo(FakeSlotsAndNotices, FakePayments, FakeOrderSync):
    """CampaignRepo in memory. Seed people with `add_member` and chats with `add_chat`."""

    # --- seeding (what tests.campaign_support.seed writes with SQL) ------------------
    def add_member(
        self,
        channel: str,
        sender_id: str,
        name: str,
        household: Household | None = None,
        role: Role = "resident",
        community_id: int | None = None,
        on_roster: bool = False,
    ) -> None:
        """A member (and their household, found by address or added) in both fakes."""
        home_id = None
        if household is not None:
            address = (community_id, household.building, household.unit, household.room)
            home = next((h for h in self.homes.values() if h.address == address), None)
            if home is None:
                home = FakeHome(len(self.homes) + 1, community_id, household, on_roster)
                self.homes[home.id] = home
            home_id = home.id
            self.members.register(channel, sender_id, name, household)
        self.members.names[(channel, sender_id)] = name
        if role != "resident":
            self.members.roles[(channel, sender_id)] = role
        self.people[(channel, sender_id)] = FakeMember(channel, sender_id, community_id, home_id)

    # --- campaigns -------------------------------------------------------------------
    def create_campaign(
        self,
        draft: CampaignDraft,
        chat_id: str,
        channel: str,
        actor: str,
        at: datetime,
        community_id: int | None = None,
    ) -> CampaignView:
        c = FakeCampaign(
            id=len(self.campaigns) + 1,
            chat_id=chat_id,
            channel=channel,
            title=draft.title,
            status="open",
            cutoff_at=draft.cutoff_at,
            arrival_at=draft.arrival_at,
            pickup_point=draft.pickup_point,
            slot_minutes=draft.slot_minutes,
            slot_capacity=draft.slot_capacity,
            allocation_rule=draft.allocation_rule,
            created_by=actor,
            created_at=at,
            min_total=draft.min_total,
            community_id=community_id or self._community(chat_id, channel, actor),
        )
        self.campaigns[c.id] = c
        self.products[c.id] = []
        for spec in draft.products:
            self.product_ids += 1
            self.products[c.id].append(StoredProduct(self.product_ids, spec))
        after = {
            "title": c.title,
            "cutoff_at": c.cutoff_at,
            "products": [p.name for p in draft.products],
            "min_total": draft.min_total,
        }
        self.write_audit(actor, "campaign.create", "campaign", c.id, None, after, at)
        return self.campaign_view(c)

    def _community(self, chat_id: str, channel: str, actor: str) -> int | None:
        chat = next((c for c in self.chats if c.channel == channel and c.chat_id == chat_id), None)
        if chat is not None:
            return chat.community_id
        member = self.people.get((channel, actor))
        return member.community_id if member else None

    def get_campaign(self, campaign_id: int) -> CampaignView | None:
        c = self.campaigns.get(campaign_id)
        return None if c is None else self.campaign_view(c)

    def _newest_active(self) -> list[FakeCampaign]:
        active = [c for c in self.campaigns.values() if c.status in ACTIVE_CAMPAIGNS]
        return sorted(active, key=lambda c: (c.created_at, c.id), reverse=True)

    def current_campaign(self, chat_id: str, channel: str, sender_id: str) -> CampaignView | None:
        active = self._newest_active()
        linked = {
            self.chain_campaign[c.id]
            for c in self.chains.chains
            if c.chat_id == chat_id and c.id in self.chain_campaign
        }
        found = next((c for c in active if c.chat_id == chat_id or c.id in linked), None)
        member = self.people.get((channel, sender_id))
        if found is None and member is not None and member.community_id is not None:
            mine = [c for c in active if c.community_id == member.community_id]
            found = mine[0] if mine else None
        found = found or (active[0] if active else None)
        return None if found is None else self.campaign_view(found)

    def list_campaigns(self, statuses: Collection[CampaignStatus] = ()) -> list[CampaignView]:
        every = sorted(self.campaigns.values(), key=lambda c: (c.created_at, c.id), reverse=True)
        return [self.campaign_view(c) for c in every if not statuses or c.status in statuses]

    def due_campaigns(self, status: CampaignStatus, when: str, now: datetime) -> list[int]:
        due = [
            (t, c.id)
            for c in self.campaigns.values()
            if c.status == status
            and (t := c.cutoff_at if when == "cutoff_at" else c.arrival_at) is not None
            and t <= now
        ]
        return [campaign_id for _, campaign_id in sorted(due)]

    def set_campaign_status(
        self, campaign_id: int, status: CampaignStatus, actor: str, at: datetime
    ) -> None:
        c = self.campaigns[campaign_id]
        before, after = {"status": c.status}, {"status": status}
        self.write_audit(actor, f"campaign.{status}", "campaign", c.id, before, after, at)
        c.status = status
        if status == "closed":
            c.closed_at = c.closed_at or at
        elif status == "arrived":
            c.arrived_at = c.arrived_at or at

    def set_arrival(self, campaign_id: int, arrival_at: datetime, actor: str, at: datetime) -> None:
        c = self.campaigns[campaign_id]
        if c.arrival_at != arrival_at:
            before, after = {"arrival_at": c.arrival_at}, {"arrival_at": arrival_at}
            self.write_audit(actor, "campaign.arrival_time", "campaign", c.id, before, after, at)
            c.arrival_at = arrival_at

    def set_min_total(
        self, campaign_id: int, min_total: float | None, actor: str, at: datetime
    ) -> None:
        c = self.campaigns[campaign_id]
        if c.min_total != min_total:
            before, after = {"min_total": c.min_total}, {"min_total": min_total}
            self.write_audit(actor, "campaign.min_total", "campaign", c.id, before, after, at)
            c.min_total = min_total

    # --- orders ----------------------------------------------------------------------
    def list_orders(self, campaign_id: int, where: OrderFilter | None = None) -> list[OrderView]:
        where = where or OrderFilter()
        chosen = [
            o
            for o in self.orders.values()
            if o.campaign_id == campaign_id
            and (not where.statuses or o.status in where.statuses)
            and (not where.nos or o.no in where.nos)
            and (where.building is None or self._building(o) == where.building)
        ]
        return self.views(sorted(chosen, key=lambda o: o.no))

    def orders_of_sender(self, campaign_id: int, channel: str, sender_id: str) -> list[OrderView]:
        home = self.member_home(channel, sender_id)
        mine = [
            o
            for o in self.orders.values()
            if o.campaign_id == campaign_id
            and (o.sender_id == sender_id or (home is not None and o.household_id == home))
        ]
        return self.views(sorted(mine, key=lambda o: o.no))

    def set_order_status(
        self,
        order_ids: Collection[int],
        status: OrderStatus,
        actor: str,
        at: datetime,
        reason: str | None = None,
    ) -> None:
        for order_id in sorted(set(order_ids)):
            o = self.orders[order_id]
            before = {"status": o.status, "reason": o.reason}
            self.write_audit(
                actor,
                f"order.{status}",
                "order",
                o.id,
                before,
                {"status": status, "reason": reason},
                at,
            )
            o.status, o.updated_at = status, at
            if reason is not None:
                o.reason = reason

    def set_line(
        self, line_id: int, qty: float, actor: str, at: datetime, product: str | None = None
    ) -> None:
        line = self.lines[line_id]
        campaign_id = self.orders[line.order_id].campaign_id
        row = next(
            (
                p
                for p in self.products[campaign_id]
                if product is not None and p.spec.name == product
            ),
            None,
        )
        before = {"name": line.name, "qty": line.qty, "allocated_qty": line.allocated_qty}
        after = {"name": row.spec.name if row else line.name, "qty": qty}
        self.write_audit(actor, "line.adjust", "order_line", line.id, before, after, at)
        line.qty = qty
        if line.allocated_qty is not None:
            line.allocated_qty = qty
        if row is not None:
            line.product_id, line.name = row.id, row.spec.name
            line.unit = row.spec.unit or line.unit
            line.requested_qty = qty
            order = self.orders[line.order_id]
            lines = self.order_lines(order.id)
            if not any(ln.product_id is None and ln.qty > 0 for ln in lines):
                order.flags = [f for f in order.flags if f != "unknown_product"]

    def save_allocation(
        self,
        campaign_id: int,
        allocated: Mapping[int, float],
        rule: AllocationRule,
        actor: str,
        at: datetime,
    ) -> None:
        c = self.campaigns[campaign_id]
        after = {"rule": rule, "lines": len(allocated)}
        self.write_audit(
            actor, "campaign.allocate", "campaign", c.id, {"rule": c.allocation_rule}, after, at
        )
        c.allocation_rule = rule
        for line_id in sorted(allocated):
            line = self.lines.get(line_id)
            if line is not None and line.allocated_qty != allocated[line_id]:
                before = {"allocated_qty": line.allocated_qty}
                got = {"allocated_qty": allocated[line_id]}
                self.write_audit(actor, "line.allocate", "order_line", line.id, before, got, at)
                line.allocated_qty = allocated[line_id]

    def audit_log(self, record_type: str = "", record_id: str = "") -> list[AuditEntry]:
        rows = [
            a
            for a in self.audits
            if (not record_type or a.record_type == record_type)
            and (not record_id or a.record_id == record_id)
        ]
        return sorted(rows, key=lambda a: (a.at, a.id), reverse=True)[:500]


def make_campaign_context(
    campaigns: FakeCampaignRepo, now: Callable[[], datetime] = lambda: T0
) -> Context:
    """A Context of fakes whose campaign repository shares its chain and member fakes; `now`
    is the clock (a test moves it between messages)."""
    return Context(
        chains=campaigns.chains,
        needs=FakeNeedRepo(members=campaigns.members),
        members=campaigns.members,
        now=now,
        tz=DEFAULT_ZONE,
        campaigns=campaigns,
    )


__all__ = ["FakeCampaignRepo", "FakeChainRepo", "FakeMemberRepo", "make_campaign_context"]
