"""SqlCampaignRepo's orders: lists, status, line adjustments and allocation."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from handlers.campaign.repo import AllocationRule, OrderFilter, OrderView
from handlers.statuses import OrderStatus
from models.audit import write_audit
from models.campaign import Campaign, Order, OrderLine, Product
from models.campaign_views import order_views, views_of
from models.community import Household, Member


class CampaignOrders:
    """The order half of SqlCampaignRepo; every write leaves an audit row."""

    session: Session

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

    def order_views(self, order_ids: Sequence[int]) -> list[OrderView]:
        """Views of these orders (the page shows a bulk result)."""
        return order_views(self.session, order_ids)
