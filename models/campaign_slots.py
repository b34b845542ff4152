"""SqlCampaignRepo's pickup slots (分时段), slot assignment with pickup codes, and 核销."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers.campaign.repo import SlotPlan, SlotView
from handlers.campaign.values import building_key
from handlers.statuses import LIVE_STATUSES
from models.audit import write_audit
from models.campaign import Order, PickupSlot
from models.community import Household


class CampaignSlots:
    """The slot and pickup half of SqlCampaignRepo; every write leaves an audit row."""

    session: Session

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
