"""Store an import plan (issue 17): households, orders, lines, payments and the 台账, in the
caller's transaction, so an import is stored whole or not at all.

The plan comes from `handlers.campaign.order_import.plan_import`, made in the same transaction
after the campaign row is locked: two workers importing at once take turns, and the file's
digest is unique per campaign, so the same export is never taken twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.campaign.values import (
    CampaignView,
    ExistingOrder,
    ImportPlan,
    PlannedLine,
    PlannedOrder,
)
from handlers.household.repo import Address
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

    def write_orders(self, plan: ImportPlan) -> list[tuple[int, PlannedOrder]]:
        """Every order of the plan (households, orders, lines, audit): each order's id with
        what it came from, in writing order (a merged order comes more than once)."""
        kept = [(i, p) for i, p in enumerate(plan.orders) if p.outcome != "skipped"]
        fresh = [(i, p) for i, p in kept if p.merge_into is None and p.merge_with is None]
        homes = self._households([p for _, p in fresh])
        created = {i: self._new(p, homes) for i, p in fresh}
        self.session.flush()  # the new orders' ids, in a few statements
        for index, planned in kept:
            if index in created:
                order = created[index]
                self.session.add_all(self._line(order.id, line) for line in planned.lines)
                self._audit(order, "order.create", None, planned)
            else:
                into = planned.merge_into
                order = (
                    self.session.get_one(Order, into)
                    if into is not None
                    else created[planned.merge_with or 0]
                )
                self._merge(order, planned)
            self.orders.append((order, planned))
        self.session.flush()
        return [(order.id, planned) for order, planned in self.orders]

    def record(self, plan: ImportPlan, digest: str, filename: str) -> int:
        """The import's own record (after its orders and payments); returns its id."""
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

    def _new(self, planned: PlannedOrder, homes: dict[Address, int]) -> Order:
        no = self.campaign.next_order_no
        self.campaign.next_order_no = no + 1
        order = Order(
            campaign_id=self.c.id,
            household_id=homes.get(planned.address) if planned.address else None,
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

    def _households(self, planned: Sequence[PlannedOrder]) -> dict[Address, int]:
        """Household ids of these addresses in the campaign's community; the new ones are
        created (with the export's name and phone) together."""
        community = self.campaign.community_id
        same_community = (
            Household.community_id.is_(None)
            if community is None
            else Household.community_id == community
        )
        rows = self.session.execute(
            select(Household.id, Household.building, Household.unit, Household.room).where(
                same_community
            )
        )
        known: dict[Address, int] = {(b, u, r): hid for hid, b, u, r in rows}
        new: dict[Address, Household] = {}
        for p in planned:
            if p.address is None or p.address in known or p.address in new:
                continue
            building, unit, room = p.address
            new[p.address] = Household(
                community_id=community,
                building=building,
                unit=unit,
                room=room,
                name=p.name[:100] or None,
                phone=p.phone,
                flags=[],
            )
        self.session.add_all(new.values())
        self.session.flush()
        known.update((address, h.id) for address, h in new.items())
        return known

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


def _note(planned: PlannedOrder) -> str | None:
    """What a worker needs to place a 待核实 order (as written), and the export's note."""
    parts: Sequence[str | None] = (
        (planned.name, planned.phone, planned.where) if planned.address is None else ()
    )
    text = " ".join(p for p in (*parts, planned.note) if p)
    return text or None
