"""Chain entries → orders: the one place a 接龙 line becomes an order. Idempotent.

Runs after every 接龙 message in a chat (the campaign route wraps the 接龙 handlers), before
every campaign command, and at 截单. Each entry maps to at most one order (unique
campaign_id + chain_entry_id); an entry's `updated_at` is copied to the order so a second run
writes nothing. Orders already confirmed are never changed by a later repost.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers.campaign_rules import match_product, squash, within_limit
from handlers.campaign_store import LIVE_STATUSES, OPEN_STATUSES, SyncReport
from models.audit import write_audit
from models.campaign import Campaign, Order, OrderLine, Product
from models.campaign_views import order_views, product_spec
from models.chain import Chain, ChainEntry
from models.community import Household, Member

log = logging.getLogger(__name__)

ACTIVE = ("open", "closed", "arrived")
LINK_GRACE = timedelta(hours=1)  # a chain started just before 开团 still links


def sync_chat(session: Session, chat_id: str, at: datetime) -> list[int]:
    """Ids of campaigns touched by chains in this chat (linking new chains first)."""
    chains = session.scalars(
        select(Chain).where(Chain.chat_id == chat_id, Chain.is_order_list.is_(True))
    ).all()
    ids = set()
    for chain in chains:
        if chain.campaign_id is None:
            _link(session, chain)
        if chain.campaign_id is not None:
            ids.add(chain.campaign_id)
    return sorted(ids)


def _link(session: Session, chain: Chain) -> None:
    """Link a chain to the active campaign whose title its title contains (longest wins)."""
    title = squash(chain.title)
    candidates = [
        c
        for c in session.scalars(select(Campaign).where(Campaign.status.in_(ACTIVE)))
        if squash(c.title)
        and squash(c.title) in title
        and (chain.chat_id == c.chat_id or chain.opened_at >= c.created_at - LINK_GRACE)
    ]
    if candidates:
        best = max(candidates, key=lambda c: (len(squash(c.title)), c.id))
        chain.campaign_id = best.id
        write_audit(
            session,
            "system",
            "chain.link",
            "chain",
            chain.id,
            {"campaign_id": None},
            {"campaign_id": best.id},
            chain.opened_at,
        )


def link_open_chains(session: Session, campaign: Campaign) -> None:
    """Link unlinked order-list chains that name this campaign (any chat: reposts travel)."""
    since = campaign.created_at - LINK_GRACE
    for chain in session.scalars(
        select(Chain).where(
            Chain.campaign_id.is_(None), Chain.is_order_list.is_(True), Chain.opened_at >= since
        )
    ):
        _link(session, chain)


def sync_campaign(session: Session, campaign_id: int, at: datetime) -> SyncReport:
    """Create, withdraw or update orders from the campaign's chain entries."""
    campaign = session.get_one(Campaign, campaign_id, with_for_update=True)
    if campaign.status not in ACTIVE:
        return SyncReport(campaign_id)
    link_open_chains(session, campaign)
    entries = session.scalars(
        select(ChainEntry)
        .join(Chain, Chain.id == ChainEntry.chain_id)
        .where(Chain.campaign_id == campaign_id)
        .order_by(ChainEntry.first_seen_at, ChainEntry.id)
    ).all()
    known = {
        o.chain_entry_id: o
        for o in session.scalars(
            select(Order).where(Order.campaign_id == campaign_id, Order.chain_entry_id.is_not(None))
        )
    }
    created: list[int] = []
    withdrawn: list[int] = []
    updated: list[int] = []
    for entry in entries:
        order = known.get(entry.id)
        if order is None:
            if entry.status != "withdrawn":
                created.append(_create(session, campaign, entry).id)
        elif order.entry_version != entry.updated_at:
            _apply_change(session, campaign, entry, order, withdrawn, updated)
    return SyncReport(
        campaign_id, tuple(order_views(session, created)), tuple(withdrawn), tuple(updated)
    )


def _create(session: Session, campaign: Campaign, entry: ChainEntry) -> Order:
    chain = session.get_one(Chain, entry.chain_id)
    household_id, flags = _household(session, campaign, entry)
    late = _is_late(campaign, entry.first_seen_at)
    order = Order(
        campaign_id=campaign.id,
        household_id=household_id,
        chain_entry_id=entry.id,
        status="late" if late else "pending",
        no=campaign.next_order_no,
        chat_id=chain.chat_id,
        sender_id=entry.author_id,
        flags=flags,
        created_at=entry.first_seen_at,
        updated_at=entry.updated_at,
        entry_version=entry.updated_at,
        note=entry.note,
    )
    campaign.next_order_no += 1
    session.add(order)
    session.flush()
    _add_lines(session, campaign, order, entry.items)
    write_audit(
        session,
        entry.author_id,
        "order.create",
        "order",
        order.id,
        None,
        {
            "no": order.no,
            "status": order.status,
            "raw": entry.raw,
            "items": entry.items,
            "flags": order.flags,
        },
        entry.first_seen_at,
    )
    return order


def _is_late(campaign: Campaign, seen_at: datetime) -> bool:
    """After the earlier of the announced cut-off and the actual 截单 (early by a worker, or
    late when the scheduler was down): the line is kept as 迟到 for a worker to decide."""
    times = [t for t in (campaign.cutoff_at, campaign.closed_at) if t is not None]
    return bool(times) and seen_at > min(times)


def _household(
    session: Session, campaign: Campaign, entry: ChainEntry
) -> tuple[int | None, list[str]]:
    """The entry's address (created if new), else the author's registered household."""
    flags: list[str] = []
    if entry.building or entry.room:
        row = session.scalar(
            select(Household).where(
                _same(Household.community_id, campaign.community_id),
                _same(Household.building, entry.building),
                _same(Household.unit, entry.unit),
                _same(Household.room, entry.room),
            )
        )
        if row is None:
            row = Household(
                community_id=campaign.community_id,
                building=entry.building,
                unit=entry.unit,
                room=entry.room,
                name=entry.name,
                phone=entry.phone,
                flags=[],
            )
            session.add(row)
            session.flush()
        return row.id, flags
    member = session.scalar(
        select(Member).where(
            Member.channel == campaign.channel, Member.external_id == entry.author_id
        )
    )
    if member is None or member.household_id is None:
        return None, ["no_address"]
    return member.household_id, flags


def _same(column: Any, value: Any) -> Any:
    return column.is_(None) if value is None else column == value


def _add_lines(
    session: Session, campaign: Campaign, order: Order, items: list[dict[str, Any]]
) -> None:
    products = session.scalars(
        select(Product).where(Product.campaign_id == campaign.id).order_by(Product.id)
    ).all()
    specs = [product_spec(p) for p in products]
    for item in items:
        spec = match_product(str(item.get("name") or ""), specs)
        product = products[specs.index(spec)] if spec is not None else None
        qty = float(item.get("qty") or 1)
        kept = qty
        if product is not None and order.household_id is not None:
            kept = within_limit(
                qty, product.per_household_limit, _used(session, campaign.id, order, product.id)
            )
        session.add(
            OrderLine(
                order_id=order.id,
                product_id=product.id if product else None,
                name=product.name if product else str(item.get("name") or ""),
                qty=kept,
                unit=(product.unit if product else None) or item.get("unit"),
                requested_qty=qty,
            )
        )
        session.flush()
        _flag(order, "unknown_product" if product is None else None)
        _flag(order, "over_limit" if kept < qty else None)


def _flag(order: Order, flag: str | None) -> None:
    if flag and flag not in order.flags:
        order.flags = [*order.flags, flag]


def _used(session: Session, campaign_id: int, order: Order, product_id: int) -> float:
    """What the household already has of this product in the campaign's live orders."""
    stmt = (
        select(func.coalesce(func.sum(OrderLine.qty), 0.0))
        .join(Order, Order.id == OrderLine.order_id)
        .where(
            Order.campaign_id == campaign_id,
            Order.household_id == order.household_id,
            Order.id != order.id,
            Order.status.in_(LIVE_STATUSES),
            OrderLine.product_id == product_id,
        )
    )
    return float(session.scalar(stmt) or 0.0)


def _apply_change(
    session: Session,
    campaign: Campaign,
    entry: ChainEntry,
    order: Order,
    withdrawn: list[int],
    updated: list[int],
) -> None:
    """The author withdrew or edited the entry: follow it while the order is undecided."""
    order.entry_version = entry.updated_at
    if order.status not in OPEN_STATUSES:
        write_audit(
            session,
            entry.author_id,
            "order.entry_changed_ignored",
            "order",
            order.id,
            {"status": order.status},
            {"entry_status": entry.status, "raw": entry.raw},
            entry.updated_at,
        )
        return
    if entry.status == "withdrawn":
        write_audit(
            session,
            entry.author_id,
            "order.withdraw",
            "order",
            order.id,
            {"status": order.status},
            {"status": "withdrawn"},
            entry.updated_at,
        )
        order.status = "withdrawn"
        withdrawn.append(order.no)
        return
    lines = session.scalars(select(OrderLine).where(OrderLine.order_id == order.id)).all()
    before = [{"name": ln.name, "qty": ln.qty} for ln in lines]
    for line in lines:  # marked, not deleted: a replaced line keeps its row at quantity 0
        line.qty, line.requested_qty = 0.0, 0.0
    order.flags = [f for f in order.flags if f not in ("unknown_product", "over_limit")]
    _add_lines(session, campaign, order, entry.items)
    order.updated_at = entry.updated_at
    write_audit(
        session,
        entry.author_id,
        "order.edit",
        "order",
        order.id,
        {"items": before},
        {"items": entry.items, "raw": entry.raw},
        entry.updated_at,
    )
    updated.append(order.no)
