"""SqlCampaignRepo: the CampaignRepo Protocol on SQLAlchemy. Every write leaves an audit row."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from handlers.campaign_store import (
    LIVE_STATUSES,
    AllocationRule,
    AuditEntry,
    CampaignDraft,
    CampaignStatus,
    CampaignView,
    OrderFilter,
    OrderStatus,
    OrderView,
    OutboxNotice,
    SlotPlan,
    SlotView,
    SyncReport,
)
from handlers.slots import building_key
from models.audit import read_audit, write_audit
from models.base import utcnow
from models.campaign import Campaign, Order, OrderLine, PickupSlot, Product
from models.campaign_sync import ACTIVE, sync_campaign, sync_chat
from models.campaign_views import campaign_view, order_views, views_of
from models.chain import Chain
from models.community import Chat, Household, Member
from models.messaging import Notice


class SqlCampaignRepo:
    """CampaignRepo on one open Session; the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # --- campaigns ------------------------------------------------------------------
    def create_campaign(
        self, draft: CampaignDraft, chat_id: str, channel: str, actor: str, at: datetime
    ) -> CampaignView:
        row = Campaign(
            community_id=self._community(chat_id, channel, actor),
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
            next_order_no=1,
        )
        self.session.add(row)
        self.session.flush()
        for p in draft.products:
            self.session.add(
                Product(
                    campaign_id=row.id,
                    name=p.name,
                    price=p.price,
                    unit=p.unit,
                    per_household_limit=p.limit,
                    stock=p.stock,
                )
            )
        self.session.flush()
        view = campaign_view(self.session, row)
        write_audit(
            self.session,
            actor,
            "campaign.create",
            "campaign",
            row.id,
            None,
            {
                "title": row.title,
                "cutoff_at": row.cutoff_at,
                "products": [p.name for p in draft.products],
            },
            at,
        )
        return view

    def _community(self, chat_id: str, channel: str, actor: str) -> int | None:
        chat = self.session.scalar(
            select(Chat.community_id).where(Chat.channel == channel, Chat.external_id == chat_id)
        )
        if chat is not None:
            return chat
        return self.session.scalar(
            select(Member.community_id).where(
                Member.channel == channel, Member.external_id == actor
            )
        )

    def get_campaign(self, campaign_id: int) -> CampaignView | None:
        row = self.session.get(Campaign, campaign_id)
        return None if row is None else campaign_view(self.session, row)

    def current_campaign(self, chat_id: str, channel: str, sender_id: str) -> CampaignView | None:
        active = (
            select(Campaign)
            .where(Campaign.status.in_(ACTIVE))
            .order_by(Campaign.created_at.desc(), Campaign.id.desc())
            .limit(1)
        )
        linked = select(Chain.campaign_id).where(Chain.chat_id == chat_id)
        row = self.session.scalar(
            active.where(or_(Campaign.chat_id == chat_id, Campaign.id.in_(linked)))
        )
        if row is None:
            community = self.session.scalar(
                select(Member.community_id).where(
                    Member.channel == channel, Member.external_id == sender_id
                )
            )
            if community is not None:
                row = self.session.scalar(active.where(Campaign.community_id == community))
        row = row or self.session.scalar(active)
        return None if row is None else campaign_view(self.session, row)

    def list_campaigns(self, statuses: Collection[CampaignStatus] = ()) -> list[CampaignView]:
        stmt = select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())
        if statuses:
            stmt = stmt.where(Campaign.status.in_(list(statuses)))
        return [campaign_view(self.session, r) for r in self.session.scalars(stmt)]

    def due_campaigns(self, status: CampaignStatus, when: str, now: datetime) -> list[int]:
        column = Campaign.cutoff_at if when == "cutoff_at" else Campaign.arrival_at
        stmt = (
            select(Campaign.id)
            .where(Campaign.status == status, column.is_not(None), column <= now)
            .order_by(column, Campaign.id)
        )
        return list(self.session.scalars(stmt))

    def set_campaign_status(
        self, campaign_id: int, status: CampaignStatus, actor: str, at: datetime
    ) -> None:
        row = self.session.get_one(Campaign, campaign_id, with_for_update=True)
        write_audit(
            self.session,
            actor,
            f"campaign.{status}",
            "campaign",
            row.id,
            {"status": row.status},
            {"status": status},
            at,
        )
        row.status = status
        if status == "closed":
            row.closed_at = row.closed_at or at
        elif status == "arrived":
            row.arrived_at = row.arrived_at or at

    # --- orders ---------------------------------------------------------------------
    def sync_orders(self, campaign_id: int, at: datetime) -> SyncReport:
        return sync_campaign(self.session, campaign_id, at)

    def sync_chat(self, chat_id: str, at: datetime) -> list[SyncReport]:
        return [
            sync_campaign(self.session, cid, at) for cid in sync_chat(self.session, chat_id, at)
        ]

    def list_orders(self, campaign_id: int, where: OrderFilter | None = None) -> list[OrderView]:
        stmt = select(Order).where(Order.campaign_id == campaign_id).order_by(Order.no)
        if where and where.statuses:
            stmt = stmt.where(Order.status.in_(list(where.statuses)))
        if where and where.nos:
            stmt = stmt.where(Order.no.in_(list(where.nos)))
        if where and where.building is not None:
            stmt = stmt.join(Household, Household.id == Order.household_id).where(
                Household.building == where.building
            )
        return views_of(self.session, self.session.scalars(stmt).all())

    def orders_of_sender(self, campaign_id: int, channel: str, sender_id: str) -> list[OrderView]:
        home = self.session.scalar(
            select(Member.household_id).where(
                Member.channel == channel, Member.external_id == sender_id
            )
        )
        mine = Order.sender_id == sender_id
        stmt = select(Order).where(
            Order.campaign_id == campaign_id,
            or_(mine, Order.household_id == home) if home else mine,
        )
        return views_of(self.session, self.session.scalars(stmt.order_by(Order.no)).all())

    def set_order_status(
        self,
        order_ids: Collection[int],
        status: OrderStatus,
        actor: str,
        at: datetime,
        reason: str | None = None,
    ) -> None:
        for row in self.session.scalars(select(Order).where(Order.id.in_(list(order_ids)))):
            write_audit(
                self.session,
                actor,
                f"order.{status}",
                "order",
                row.id,
                {"status": row.status, "reason": row.reason},
                {"status": status, "reason": reason},
                at,
            )
            row.status, row.updated_at = status, at
            if reason is not None:
                row.reason = reason

    def set_line(
        self, line_id: int, qty: float, actor: str, at: datetime, product: str | None = None
    ) -> None:
        line = self.session.get_one(OrderLine, line_id)
        row = (
            None
            if product is None
            else self.session.scalar(
                select(Product)
                .join(Order, Order.campaign_id == Product.campaign_id)
                .where(Order.id == line.order_id, Product.name == product)
            )
        )
        write_audit(
            self.session,
            actor,
            "line.adjust",
            "order_line",
            line.id,
            {"name": line.name, "qty": line.qty, "allocated_qty": line.allocated_qty},
            {"name": row.name if row else line.name, "qty": qty},
            at,
        )
        line.qty = qty
        if line.allocated_qty is not None:
            line.allocated_qty = qty
        if row is not None:
            line.product_id, line.name, line.unit = row.id, row.name, row.unit or line.unit
            line.requested_qty = qty
            self._drop_unknown_flag(line.order_id)

    def _drop_unknown_flag(self, order_id: int) -> None:
        order = self.session.get_one(Order, order_id)
        unknown = self.session.scalar(
            select(func.count())
            .select_from(OrderLine)
            .where(
                OrderLine.order_id == order_id, OrderLine.product_id.is_(None), OrderLine.qty > 0
            )
        )
        if not unknown:
            order.flags = [f for f in order.flags if f != "unknown_product"]

    def save_allocation(
        self,
        campaign_id: int,
        allocated: Mapping[int, float],
        rule: AllocationRule,
        actor: str,
        at: datetime,
    ) -> None:
        campaign = self.session.get_one(Campaign, campaign_id)
        write_audit(
            self.session,
            actor,
            "campaign.allocate",
            "campaign",
            campaign_id,
            {"rule": campaign.allocation_rule},
            {"rule": rule, "lines": len(allocated)},
            at,
        )
        campaign.allocation_rule = rule
        for line in self.session.scalars(
            select(OrderLine).where(OrderLine.id.in_(list(allocated)))
        ):
            if line.allocated_qty != allocated[line.id]:
                write_audit(
                    self.session,
                    actor,
                    "line.allocate",
                    "order_line",
                    line.id,
                    {"allocated_qty": line.allocated_qty},
                    {"allocated_qty": allocated[line.id]},
                    at,
                )
                line.allocated_qty = allocated[line.id]

    # --- slots and pickups ----------------------------------------------------------
    def list_slots(self, campaign_id: int) -> list[SlotView]:
        slots = self.session.scalars(
            select(PickupSlot)
            .where(PickupSlot.campaign_id == campaign_id)
            .order_by(PickupSlot.start_at)
        ).all()
        counts = dict(
            self.session.execute(
                select(Order.slot_id, func.count())
                .where(Order.campaign_id == campaign_id, Order.status.in_(LIVE_STATUSES))
                .group_by(Order.slot_id)
            ).all()
        )
        return [
            SlotView(
                s.id, s.start_at, s.end_at, s.capacity, tuple(s.buildings), counts.get(s.id, 0)
            )
            for s in slots
        ]

    def save_slots(
        self,
        campaign_id: int,
        plans: Sequence[SlotPlan],
        assignment: Mapping[int, int],
        codes: Mapping[int, str],
        actor: str,
        at: datetime,
    ) -> list[SlotView]:
        for plan in plans:
            self.session.add(
                PickupSlot(
                    campaign_id=campaign_id,
                    start_at=plan.start_at,
                    end_at=plan.end_at,
                    capacity=plan.capacity,
                    buildings=list(plan.buildings),
                )
            )
        self.session.flush()
        slots = self.session.scalars(
            select(PickupSlot)
            .where(PickupSlot.campaign_id == campaign_id)
            .order_by(PickupSlot.start_at)
        ).all()
        for order in self.session.scalars(select(Order).where(Order.id.in_(list(codes)))):
            slot = slots[assignment[order.id]] if order.id in assignment else None
            self._ready(order, slot, codes[order.id], actor, at)
        self._slot_buildings(slots)
        return self.list_slots(campaign_id)

    def _ready(
        self, order: Order, slot: PickupSlot | None, code: str, actor: str, at: datetime
    ) -> None:
        write_audit(
            self.session,
            actor,
            "order.slot",
            "order",
            order.id,
            {
                "status": order.status,
                "slot_start_at": order.slot_start_at,
                "pickup_code": order.pickup_code,
            },
            {
                "status": "ready",
                "slot_start_at": slot.start_at if slot else None,
                "pickup_code": order.pickup_code or code,
            },
            at,
        )
        order.status, order.updated_at = "ready", at
        order.pickup_code = order.pickup_code or code
        if slot is not None:
            order.slot_id, order.slot_start_at, order.slot_end_at = (
                slot.id,
                slot.start_at,
                slot.end_at,
            )

    def _slot_buildings(self, slots: Sequence[PickupSlot]) -> None:
        for slot in slots:
            names = self.session.scalars(
                select(Household.building)
                .join(Order, Order.household_id == Household.id)
                .where(Order.slot_id == slot.id, Household.building.is_not(None))
                .distinct()
            )
            slot.buildings = sorted({n for n in names if n}, key=building_key)

    def mark_picked_up(self, order_id: int, actor: str, at: datetime) -> None:
        order = self.session.get_one(Order, order_id, with_for_update=True)
        write_audit(
            self.session,
            actor,
            "order.picked_up",
            "order",
            order.id,
            {"status": order.status, "picked_up_at": order.picked_up_at},
            {"status": "picked_up", "picked_up_at": at},
            at,
        )
        order.status, order.picked_up_at, order.picked_up_by, order.updated_at = (
            "picked_up",
            at,
            actor,
            at,
        )

    def queue_notices(self, notices: Sequence[OutboxNotice]) -> int:
        added = 0
        for n in notices:
            if self.session.scalar(select(Notice.id).where(Notice.dedupe_key == n.dedupe_key)):
                continue
            self.session.add(
                Notice(
                    channel=n.channel,
                    target=n.target,
                    text=n.text,
                    dedupe_key=n.dedupe_key,
                    kind=n.kind,
                    not_before_at=n.not_before_at or utcnow(),
                    expires_at=n.expires_at,
                    order_id=n.order_id,
                )
            )
            self.session.flush()
            added += 1
        return added

    def campaign_chats(self, campaign_id: int) -> list[tuple[str, str]]:
        campaign = self.session.get_one(Campaign, campaign_id)
        chats = [
            campaign.chat_id,
            *self.session.scalars(
                select(Chain.chat_id).where(Chain.campaign_id == campaign_id).order_by(Chain.id)
            ),
        ]
        out: list[tuple[str, str]] = []
        for chat_id in dict.fromkeys(chats):
            channel = self.session.scalar(
                select(Chat.channel).where(Chat.external_id == chat_id).limit(1)
            )
            out.append((channel or campaign.channel, chat_id))
        return out

    def set_arrival(self, campaign_id: int, arrival_at: datetime, actor: str, at: datetime) -> None:
        row = self.session.get_one(Campaign, campaign_id)
        if row.arrival_at != arrival_at:
            write_audit(
                self.session,
                actor,
                "campaign.arrival_time",
                "campaign",
                row.id,
                {"arrival_at": row.arrival_at},
                {"arrival_at": arrival_at},
                at,
            )
            row.arrival_at = arrival_at

    def audit_log(self, record_type: str = "", record_id: str = "") -> list[AuditEntry]:
        return read_audit(self.session, record_type, record_id)

    def order_views(self, order_ids: Sequence[int]) -> list[OrderView]:
        """Views of these orders (the page shows a bulk result)."""
        return order_views(self.session, order_ids)
