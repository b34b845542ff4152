"""取货台 (pickup desk): type or scan a code (or an address), one tap to verify, a big result.

A barcode scanner is a keyboard: it types the code into the focused box and presses Enter.
"""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.admin.campaign_data import ORDER_LABELS, order_ids_by_code, slot_label
from bot.admin.scope import visible_campaign_ids
from bot.admin.security import Staff
from bot.runtime import runtime
from handlers.campaign.repo import OrderView, SlotView
from handlers.jielong.address import find_address
from handlers.jielong.normalize import halfwidth
from handlers.statuses import PICKABLE_STATUSES, PICKUP_CAMPAIGNS
from models.base import utcnow
from models.campaign import Campaign, Order
from models.campaigns_repo import SqlCampaignRepo
from models.community import Household

bp = Blueprint("pickup", __name__)


def desk_campaign_ids(db: Session, staff: Staff) -> set[int]:
    """Visible campaigns whose goods can be picked up now."""
    ids = visible_campaign_ids(db, staff)
    return set(
        db.scalars(
            select(Campaign.id).where(Campaign.id.in_(ids), Campaign.status.in_(PICKUP_CAMPAIGNS))
        )
    )


def order_ids_by_address(db: Session, campaign_ids: set[int], text: str) -> list[int]:
    """Orders of the household at `3-2-201` (any written form) in these campaigns."""
    address = find_address(halfwidth(text))
    if address is None or not address.is_household or not campaign_ids:
        return []
    stmt = (
        select(Order.id)
        .join(Household, Household.id == Order.household_id)
        .where(
            Order.campaign_id.in_(campaign_ids),
            Household.building == address.building,
            Household.room == address.room,
        )
    )
    if address.unit:
        stmt = stmt.where(Household.unit == address.unit)
    return list(db.scalars(stmt))


def lookup(db: Session, staff: Staff, query: str) -> list[OrderView]:
    """Orders matching a pickup code, else an address, in the desk's campaigns."""
    campaigns = desk_campaign_ids(db, staff)
    ids = order_ids_by_code(db, campaigns, query) or order_ids_by_address(db, campaigns, query)
    return SqlCampaignRepo(db).order_views(ids)


def _render(
    query: str = "",
    found: list[OrderView] | None = None,
    verified: OrderView | None = None,
    refused: OrderView | None = None,
    status: int = 200,
) -> tuple[str, int]:
    html = render_template(
        "admin/pickup.html",
        query=query,
        found=found,
        verified=verified,
        refused=refused,
        labels=ORDER_LABELS,
        pickable=PICKABLE_STATUSES,
        slot_text=_slot_text,
    )
    return html, status


def _slot_text(order: OrderView) -> str:
    if order.slot_start_at is None or order.slot_end_at is None:
        return ""
    slot = SlotView(0, order.slot_start_at, order.slot_end_at, 0, (), 0)
    return slot_label(slot, runtime().settings.zone)


@bp.get("/pickup")
def index() -> tuple[str, int]:
    """The desk: one big box."""
    return _render()


@bp.post("/pickup")
def find() -> tuple[str, int]:
    """Show what a code or address matches, each with its verify button."""
    query = request.form.get("q", "").strip()[:50]
    with runtime().session_factory() as db:
        found = lookup(db, g.staff, query) if query else []
    return _render(query, found, status=200 if found else 404)


@bp.post("/pickup/<int:order_id>")
def verify(order_id: int) -> tuple[str, int]:
    """核销 one order; a second pickup is refused and says when the first one was."""
    with runtime().session_factory.begin() as db:
        if db.scalar(select(Order.campaign_id).where(Order.id == order_id)) not in (
            desk_campaign_ids(db, g.staff)
        ):
            abort(404)
        repo = SqlCampaignRepo(db)
        order = repo.order_views([order_id])[0]
        if order.status == "picked_up" or order.status not in PICKABLE_STATUSES:
            return _render(refused=order, status=409)
        repo.mark_picked_up(order_id, g.staff.actor, utcnow())
        verified = repo.order_views([order_id])[0]
    return _render(verified=verified)
