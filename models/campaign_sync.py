"""Chain entries → orders: the one place a 接龙 line becomes an order. Idempotent.

Runs after every 接龙 message in a chat (the campaign route wraps the 接龙 handlers), before
every campaign command, and at 截单. Each entry maps to at most one order (unique
campaign_id + chain_entry_id); an entry's `updated_at` is copied to the order so a second run
writes nothing. Orders already confirmed are never changed by a later repost.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, func, select
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

# Every 接龙 message asks these two; built once (compiled-cache hits) and run as Core
# statements: a chat without a campaign pays two small SELECTs, no ORM objects.
_CHAIN_OF = select(
    Chain.campaign_id, Chain.is_order_list, Chain.title, Chain.chat_id, Chain.opened_at
).where(Chain.id == bindparam("chain_id_"))
ActiveRow = Row[int, str, str, datetime]  # id, title, chat_id, created_at
_ACTIVE = select(Campaign.id, Campaign.title, Campaign.chat_id, Campaign.created_at).where(
    Campaign.status.in_(ACTIVE)
)


def sync_chat(session: Session, chat_id: str, at: datetime) -> list[int]:
    """Ids of campaigns touched by chains in this chat (linking new chains first)."""
    chains = session.scalars(
        select(Chain).where(Chain.chat_id == chat_id, Chain.is_order_list.is_(True))
    ).all()
    active = _active(session) if any(c.campaign_id is None for c in chains) else []
    ids = set()
    for chain in chains:
        if chain.campaign_id is None:
            _link(session, chain, _best(chain.title, chain.chat_id, chain.opened_at, active))
        if chain.campaign_id is not None:
            ids.add(chain.campaign_id)
    return sorted(ids)


def sync_chain(
    session: Session, chain_id: int, seqs: Collection[int], at: datetime
) -> list[SyncReport]:
    """After one 接龙 message: link its chain if new to a campaign, then sync what it changed.

    A chain linked just now brings its earlier entries, so its campaign gets the full pass;
    otherwise every earlier message was synced when it came, and only these seqs can differ.
    """
    session.flush()
    conn = session.connection()
    row = conn.execute(_CHAIN_OF, {"chain_id_": chain_id}).first()
    if row is None or not row.is_order_list:
        return []
    if row.campaign_id is None:
        best = _best(row.title, row.chat_id, row.opened_at, conn.execute(_ACTIVE).all())
        if best is None:
            return []
        _link(session, session.get_one(Chain, chain_id), best)
        return [sync_campaign(session, best, at)]
    if not seqs:
        return []
    entry_ids = session.scalars(
        select(ChainEntry.id).where(ChainEntry.chain_id == chain_id, ChainEntry.seq.in_(seqs))
    ).all()
    return [sync_campaign(session, row.campaign_id, at, entry_ids)]


def _active(session: Session) -> Sequence[ActiveRow]:
    """Campaigns a chain may still link to, read once per sync."""
    return session.connection().execute(_ACTIVE).all()


def _best(
    chain_title: str,
    chat_id: str,
    opened_at: datetime,
    active: Sequence[ActiveRow],
) -> int | None:
    """The active campaign whose title the chain's title contains (longest, then newest);
    from another chat only when the chain was opened after (or just before) 开团."""
    title = squash(chain_title)
    candidates = [
        (len(name), c.id)
        for c in active
        if (name := squash(c.title))
        and name in title
        and (chat_id == c.chat_id or opened_at >= c.created_at - LINK_GRACE)
    ]
    return max(candidates)[1] if candidates else None


def _link(session: Session, chain: Chain, campaign_id: int | None) -> None:
    """Link the chain to the campaign (audited); None links nothing."""
    if campaign_id is None:
        return
    chain.campaign_id = campaign_id
    write_audit(
        session,
        "system",
        "chain.link",
        "chain",
        chain.id,
        {"campaign_id": None},
        {"campaign_id": campaign_id},
        chain.opened_at,
    )


def link_open_chains(session: Session, campaign: Campaign) -> None:
    """Link unlinked order-list chains that name this campaign (any chat: reposts travel)."""
    since = campaign.created_at - LINK_GRACE
    chains = session.scalars(
        select(Chain).where(
            Chain.campaign_id.is_(None), Chain.is_order_list.is_(True), Chain.opened_at >= since
        )
    ).all()
    active = _active(session) if chains else []
    for chain in chains:
        _link(session, chain, _best(chain.title, chain.chat_id, chain.opened_at, active))


def sync_campaign(
    session: Session, campaign_id: int, at: datetime, entry_ids: Collection[int] | None = None
) -> SyncReport:
    """Create, withdraw or update orders from the campaign's chain entries.

    With `entry_ids`, only those entries (a 接龙 message's); without, every entry of every
    linked chain, after linking open chains (截单, worker commands, the worker page).
    The campaign row stays locked until commit, so order numbers are handed out in sequence.
    """
    campaign = session.get_one(Campaign, campaign_id, with_for_update=True)
    if campaign.status not in ACTIVE:
        return SyncReport(campaign_id)
    entries_q = (
        select(ChainEntry)
        .join(Chain, Chain.id == ChainEntry.chain_id)
        .where(Chain.campaign_id == campaign_id)
        .order_by(ChainEntry.first_seen_at, ChainEntry.id)
    )
    orders_q = select(Order).where(
        Order.campaign_id == campaign_id, Order.chain_entry_id.is_not(None)
    )
    if entry_ids is None:
        link_open_chains(session, campaign)
    else:
        if not entry_ids:
            return SyncReport(campaign_id)
        entries_q = entries_q.where(ChainEntry.id.in_(list(entry_ids)))
        orders_q = orders_q.where(Order.chain_entry_id.in_(list(entry_ids)))
    entries = session.scalars(entries_q).all()
    known = {o.chain_entry_id: o for o in session.scalars(orders_q)}
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
