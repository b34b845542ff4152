"""Store an import plan (issue 17): households, orders, lines, payments and the 台账, in the
caller's transaction, so an import is stored whole or not at all.

The plan comes from `handlers.order_import.plan_import`, made in the same transaction after the
campaign row is locked: two workers importing at once take turns, and the file's digest is
unique per campaign, so the same export is never taken twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.campaign_store import CampaignView
from handlers.money import order_money
from handlers.money_store import METHOD_IMPORT, PaymentDraft, PaymentKind
from handlers.order_import import ExistingOrder, ImportPlan, PlannedLine, PlannedOrder
from models.audit import write_audit
from models.campaign import Campaign, Order, OrderLine, Product
from models.campaigns_repo import SqlCampaignRepo
from models.community import Household
from models.payment import OrderImport


def existing_orders(session: Session, campaign_id: int) -> list[ExistingOrder]:
    """The campaign's orders with the export references they carry."""
    refs = dict(
        session.execute(
            select(Order.id, Order.import_refs).where(Order.campaign_id == campaign_id)
        ).all()
    )
    views = SqlCampaignRepo(session).list_orders(campaign_id)
    return [ExistingOrder(v, tuple(refs.get(v.id) or ())) for v in views]


def previous_import(session: Session, campaign_id: int, digest: str) -> OrderImport | None:
    """The earlier import of the same file into this campaign, if any."""
    return session.scalar(
        select(OrderImport).where(
            OrderImport.campaign_id == campaign_id, OrderImport.digest == digest
        )
    )


class ImportWriter:
    """Writes one plan; `write` returns the id of the import's record."""

    def __init__(self, session: Session, c: CampaignView, actor: str, at: datetime) -> None:
        self.session = session
        self.c = c
        self.actor = actor
        self.at = at
        self.campaign = session.get_one(Campaign, c.id, with_for_update=True)
        self.products = {
            p.name: p for p in session.scalars(select(Product).where(Product.campaign_id == c.id))
        }
        self.orders: list[tuple[Order, PlannedOrder]] = []

    def write(self, plan: ImportPlan, digest: str, filename: str) -> int:
        """Every order of the plan, then its payments, then the import's own record."""
        created: dict[int, Order] = {}
        for index, planned in enumerate(plan.orders):
            if planned.outcome == "skipped":
                continue
            if planned.merge_into is not None:
                order = self.session.get_one(Order, planned.merge_into)
                self._merge(order, planned)
            elif planned.merge_with is not None:
                order = created[planned.merge_with]
                self._merge(order, planned)
            else:
                order = created[index] = self._new(planned)
            self.orders.append((order, planned))
        self.session.flush()
        self._payments()
        record = OrderImport(
            campaign_id=self.c.id,
            digest=digest,
            filename=filename[:200],
            source=plan.source,
            sheet=plan.sheet[:100],
            counts=plan.counts(),
            actor=self.actor,
            at=self.at,
        )
        self.session.add(record)
        self.session.flush()
        after = {**plan.counts(), "import_id": record.id, "file": filename, "sheet": plan.sheet}
        write_audit(
            self.session, self.actor, "campaign.import", "campaign", self.c.id, None, after, self.at
        )
        return record.id

    def _new(self, planned: PlannedOrder) -> Order:
        no = self.campaign.next_order_no
        self.campaign.next_order_no = no + 1
        order = Order(
            campaign_id=self.c.id,
            household_id=self._household(planned),
            status="pending",
            no=no,
            chat_id=self.c.chat_id,
            sender_id=f"import:{planned.ref or planned.key}"[:128],
            flags=list(planned.flags),
            note=_note(planned),
            created_at=self.at,
            updated_at=self.at,
            import_refs=[planned.ref] if planned.ref else [],
        )
        self.session.add(order)
        self.session.flush()
        for line in planned.lines:
            self.session.add(self._line(order.id, line))
        self._audit(order, "order.create", None, planned)
        return order

    def _merge(self, order: Order, planned: PlannedOrder) -> None:
        lines = self.session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)).all()
        before = {"items": [(ln.name, ln.qty) for ln in lines], "flags": list(order.flags)}
        by_product = {ln.product_id: ln for ln in lines if ln.product_id is not None}
        for line in planned.lines:
            product = self.products.get(line.product or "")
            same = by_product.get(product.id) if product is not None else None
            if same is None:
                self.session.add(self._line(order.id, line))
                continue
            same.qty += line.qty
            same.requested_qty = (same.requested_qty or 0.0) + line.qty
            if same.allocated_qty is not None:
                same.allocated_qty += line.qty
        order.flags = list(dict.fromkeys([*order.flags, *planned.flags]))
        if planned.ref:
            order.import_refs = [*(order.import_refs or []), planned.ref]
        order.updated_at = self.at
        self._audit(order, "order.import_merge", before, planned)

    def _line(self, order_id: int, line: PlannedLine) -> OrderLine:
        product = self.products.get(line.product or "")
        return OrderLine(
            order_id=order_id,
            product_id=product.id if product is not None else None,
            name=line.name[:100],
            qty=line.qty,
            unit=line.unit,
            requested_qty=line.qty,
        )

    def _household(self, planned: PlannedOrder) -> int | None:
        """The household at the planned address, created (with name and phone) when new."""
        if planned.address is None:
            return None
        building, unit, room = planned.address
        community = self.campaign.community_id
        found = self.session.scalar(
            select(Household.id).where(
                Household.community_id.is_(None)
                if community is None
                else Household.community_id == community,
                _same(Household.building, building),
                _same(Household.unit, unit),
                _same(Household.room, room),
            )
        )
        if found is not None:
            return found
        row = Household(
            community_id=community,
            building=building,
            unit=unit,
            room=room,
            name=planned.name[:100] or None,
            phone=planned.phone,
            flags=[],
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def _payments(self) -> None:
        """What the export says was paid (and refunded), one row per order, with the states."""
        repo = SqlCampaignRepo(self.session)
        ids = [o.id for o, p in self.orders if p.paid and (p.amount or p.refund)]
        views = [v for v in repo.list_orders(self.c.id) if v.id in set(ids)]
        monies = {m.order.id: m for m in order_money(self.c, views, repo.list_payments(self.c.id))}
        drafts: list[PaymentDraft] = []
        for order, planned in self.orders:
            m = monies.get(order.id)
            if m is None or not planned.paid:
                continue
            note = planned.ref or planned.key
            for kind, amount in _money_rows(planned):
                after = m.plus(kind, amount)
                drafts.append(
                    PaymentDraft(
                        order.id, kind, amount, METHOD_IMPORT, note, True, m.state, after.state
                    )
                )
                m = after
            monies[order.id] = m
        repo.add_payments(self.c.id, drafts, self.actor, self.at)

    def _audit(
        self, order: Order, action: str, before: dict[str, Any] | None, planned: PlannedOrder
    ) -> None:
        after = {
            "no": order.no,
            "status": order.status,
            "import": planned.ref or planned.key,
            "rows": list(planned.rows),
            "items": [(ln.name, ln.qty) for ln in planned.lines],
            "flags": list(planned.flags),
        }
        write_audit(self.session, self.actor, action, "order", order.id, before, after, self.at)


def _money_rows(planned: PlannedOrder) -> list[tuple[PaymentKind, int]]:
    """The export's payment and refund of one order, those above zero."""
    rows: list[tuple[PaymentKind, int]] = [
        ("payment", planned.amount or 0),
        ("refund", planned.refund),
    ]
    return [(kind, amount) for kind, amount in rows if amount > 0]


def _same(column: Any, value: str | None) -> Any:
    return column.is_(None) if value is None else column == value


def _note(planned: PlannedOrder) -> str | None:
    """What a worker needs to place a 待核实 order (as written), and the export's note."""
    parts: Sequence[str | None] = (
        (planned.name, planned.phone, planned.where) if planned.address is None else ()
    )
    text = " ".join(p for p in (*parts, planned.note) if p)
    return text or None
