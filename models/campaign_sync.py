"""Chain entries → orders: the one place a 接龙 line becomes an order. Idempotent.

Runs after every 接龙 message in a chat (the campaign route wraps the 接龙 handlers), before
every campaign command, and at 截单. Each entry maps to at most one order (unique
campaign_id + chain_entry_id); an entry's `updated_at` is copied to the order so a second run
writes nothing. Orders already confirmed are never changed by a later repost.

A sync reads with Core statements built once; new orders are priced in memory and written in a
few statements (`models.entry_orders`), withdrawals and edits go through the ORM
(`models.entry_changes`). Every repost pays this, so it must stay a handful of statements.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, Table, and_, bindparam, literal, select
from sqlalchemy.orm import Session

from handlers.campaign.repo import SyncReport
from handlers.campaign.rules import squash
from handlers.statuses import ACTIVE_CAMPAIGNS
from models.audit import write_audit
from models.campaign import Campaign, Order
from models.campaign_views import Record
from models.chain import Chain, ChainEntry
from models.community import Chat
from models.entry_changes import follow_change
from models.entry_orders import Home, OrderBatch, has_roster
from models.order_pricing import Pricing

log = logging.getLogger(__name__)

LINK_GRACE = timedelta(hours=1)  # a chain started just before 开团 still links

# A sync reads with Core statements built once (compiled-cache hits); only the rare
# withdrawals and edits load ORM objects.
_campaigns = cast(Table, Campaign.__table__)
_chains = cast(Table, Chain.__table__)
_entries = cast(Table, ChainEntry.__table__)
_orders = cast(Table, Order.__table__)

ActiveCampaign = tuple[int, str, str, datetime, int | None]  # id, title, chat, created, community
_CAMPAIGN_COLS = (
    _campaigns.c.id,
    _campaigns.c.title,
    _campaigns.c.chat_id,
    _campaigns.c.created_at,
    _campaigns.c.community_id,
)
# A bound parameter each: a plain IN list is an "expanding" parameter, whose SQL is rendered
# again at every execution.
_IS_ACTIVE = _campaigns.c.status.in_(
    [literal(s, _campaigns.c.status.type) for s in ACTIVE_CAMPAIGNS]
)
_ACTIVE = select(*_CAMPAIGN_COLS).where(_IS_ACTIVE)
# Every 接龙 message asks this, one statement: the chain's row, joined (when it is an order list
# not linked yet) with each campaign it may link to; the campaign columns are NULL when none is.
_CHAIN_COLS = (
    _chains.c.campaign_id,
    _chains.c.is_order_list,
    _chains.c.title,
    _chains.c.chat_id,
    _chains.c.opened_at,
)
_CHAIN_OF = (
    select(*_CHAIN_COLS, *_CAMPAIGN_COLS)
    .select_from(
        _chains.outerjoin(
            _campaigns,
            and_(
                _chains.c.campaign_id.is_(None),
                _chains.c.is_order_list.is_(True),
                _IS_ACTIVE,
            ),
        )
    )
    .where(_chains.c.id == bindparam("chain_id_"))
)

# A sync locks the campaign (order numbers in sequence), then reads its entries with the
# orders already made from them.
_LOCK_CAMPAIGN = (
    select(
        _campaigns.c.id,
        _campaigns.c.status,
        _campaigns.c.community_id,
        _campaigns.c.channel,
        _campaigns.c.cutoff_at,
        _campaigns.c.closed_at,
        _campaigns.c.created_at,
        _campaigns.c.next_order_no,
        has_roster(_campaigns.c.community_id).label("has_roster"),
    )
    .where(_campaigns.c.id == bindparam("campaign_id_"))
    .with_for_update()
)
# Each entry with the order already made from it, if any (unique campaign_id + entry id).
_ENTRIES = (
    select(
        _entries.c.id,
        _entries.c.seq,
        _entries.c.author_id,
        _entries.c.status,
        _entries.c.raw,
        _entries.c.building,
        _entries.c.unit,
        _entries.c.room,
        _entries.c.name,
        _entries.c.phone,
        _entries.c.note,
        _entries.c["items"].label("entry_items"),
        _entries.c.first_seen_at,
        _entries.c.updated_at,
        _chains.c.chat_id,
        _orders.c.id.label("order_id"),
        _orders.c.entry_version.label("order_version"),
        _orders.c.household_id.label("order_household_id"),
    )
    .select_from(
        _entries.join(_chains, _chains.c.id == _entries.c.chain_id).outerjoin(
            _orders,
            and_(
                _orders.c.chain_entry_id == _entries.c.id,
                _orders.c.campaign_id == bindparam("campaign_id_"),
            ),
        )
    )
    .where(_chains.c.campaign_id == bindparam("campaign_id_"))
    .order_by(_entries.c.first_seen_at, _entries.c.id)
)
_SOME_ENTRIES = _ENTRIES.where(_entries.c.id.in_(bindparam("entry_ids_", expanding=True)))
_SEQ_ENTRIES = _ENTRIES.where(
    _entries.c.chain_id == bindparam("chain_id_"),
    _entries.c.seq.in_(bindparam("seqs_", expanding=True)),
)


def sync_chat(session: Session, chat_id: str, at: datetime) -> list[int]:
    """Ids of campaigns touched by chains in this chat (linking new chains first)."""
    chains = session.scalars(
        select(Chain).where(Chain.chat_id == chat_id, Chain.is_order_list.is_(True))
    ).all()
    active = _active(session) if any(c.campaign_id is None for c in chains) else []
    community = chat_community(session, chat_id) if active else None
    ids = set()
    for chain in chains:
        if chain.campaign_id is None:
            best = _best(chain.title, chain.chat_id, chain.opened_at, active, community)
            _link(session, chain, best)
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
    rows = conn.execute(_CHAIN_OF, {"chain_id_": chain_id}).all()
    if not rows:
        return []
    n = len(_CHAIN_COLS)
    campaign_id, is_order_list, title, chat_id, opened_at = rows[0][:n]
    if not is_order_list:
        return []
    if campaign_id is None:
        active = [row[n:] for row in rows if row[n] is not None]
        community = chat_community(session, chat_id) if active else None
        best = _best(title, chat_id, opened_at, active, community)
        if best is None:
            return []
        _link(session, session.get_one(Chain, chain_id), best)
        return [sync_campaign(session, best, at)]
    if not seqs:
        return []
    params = {"chain_id_": chain_id, "seqs_": list(seqs)}
    return [_sync(session, campaign_id, _SEQ_ENTRIES, params)]


def _active(session: Session) -> Sequence[ActiveCampaign]:
    """Campaigns a chain may still link to, read once per sync."""
    return session.connection().execute(_ACTIVE).all()


def chat_community(session: Session, chat_id: str) -> int | None:
    """The community a chat belongs to (any channel it is registered on), if any."""
    return session.scalar(
        select(Chat.community_id)
        .where(Chat.external_id == chat_id, Chat.community_id.is_not(None))
        .limit(1)
    )


def _best(
    chain_title: str,
    chat_id: str,
    opened_at: datetime,
    active: Sequence[ActiveCampaign],
    community: int | None = None,
) -> int | None:
    """The active campaign whose title the chain's title contains (longest, then newest);
    from another chat only when the chain was opened after (or just before) 开团; never a
    campaign of another community than the chat's."""
    title = squash(chain_title)
    candidates = [
        (len(name), campaign_id)
        for campaign_id, campaign_title, campaign_chat, created_at, owner in active
        if (name := squash(campaign_title))
        and name in title
        and (chat_id == campaign_chat or opened_at >= created_at - LINK_GRACE)
        and (community is None or owner is None or owner == community)
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


def link_open_chains(session: Session, created_at: datetime) -> None:
    """Link unlinked order-list chains that name a campaign opened at `created_at` (any chat:
    reposts travel)."""
    since = created_at - LINK_GRACE
    chains = session.scalars(
        select(Chain).where(
            Chain.campaign_id.is_(None), Chain.is_order_list.is_(True), Chain.opened_at >= since
        )
    ).all()
    active = _active(session) if chains else []
    for chain in chains:
        community = chat_community(session, chain.chat_id)
        _link(session, chain, _best(chain.title, chain.chat_id, chain.opened_at, active, community))


def sync_campaign(
    session: Session, campaign_id: int, at: datetime, entry_ids: Collection[int] | None = None
) -> SyncReport:
    """Create, withdraw or update orders from the campaign's chain entries.

    With `entry_ids`, only those entries (a 接龙 message's); without, every entry of every
    linked chain, after linking open chains (截单, worker commands, the worker page).
    The campaign row stays locked until commit, so order numbers are handed out in sequence.
    """
    if entry_ids is None:
        return _sync(session, campaign_id, None, {})
    return _sync(session, campaign_id, _SOME_ENTRIES, {"entry_ids_": list(entry_ids)})


def _sync(
    session: Session, campaign_id: int, entries_q: Select[Any] | None, params: dict[str, Any]
) -> SyncReport:
    """Lock the campaign, read its entries that `entries_q` selects (None: every entry, after
    linking open chains) with their orders, and sync them."""
    session.flush()  # Core reads below: pending links and changes must be in the database
    conn = session.connection()
    campaign = conn.execute(_LOCK_CAMPAIGN, {"campaign_id_": campaign_id}).one()
    if campaign.status not in ACTIVE_CAMPAIGNS:
        return SyncReport(campaign_id)
    if entries_q is None:
        link_open_chains(session, campaign.created_at)
        session.flush()
    query = _ENTRIES if entries_q is None else entries_q
    entries = conn.execute(query, {**params, "campaign_id_": campaign_id}).all()
    return _sync_entries(session, campaign, entries)


@dataclass(frozen=True, slots=True)
class _ToOrder:
    """An entry without an order yet, and the household it orders for."""

    entry: Record
    home: Home | None
    flags: list[str]


def _sync_entries(session: Session, campaign: Record, entries: Sequence[Record]) -> SyncReport:
    """New entries become orders and changed ones are followed, in entry order.

    Households are found first, so what they already hold is read in one query.
    """
    batch = OrderBatch(session, campaign)
    steps: list[_ToOrder | Record] = []  # a new order, or an entry whose order must follow it
    households: set[int] = set()
    for entry in entries:
        if entry.order_id is None and entry.status != "withdrawn":
            home, flags = batch.household(entry)
            steps.append(_ToOrder(entry, home, flags))
            if home is not None:
                households.add(home[0])
        elif entry.order_id is not None and entry.order_version != entry.updated_at:
            steps.append(entry)
            if entry.order_household_id is not None:
                households.add(entry.order_household_id)
    pricing = Pricing(batch.conn, campaign.id, households, batch.new_households)
    withdrawn: list[int] = []
    updated: list[int] = []
    for step in steps:
        if isinstance(step, _ToOrder):
            batch.add_order(step.entry, step.home, step.flags, pricing)
        elif (order := follow_change(session, batch, pricing, step)) is not None:
            (withdrawn if order.status == "withdrawn" else updated).append(order.no)
    created = batch.write()
    if any(not isinstance(step, _ToOrder) for step in steps):
        session.flush()  # the followed orders, next to the rows just written
    return SyncReport(campaign.id, tuple(created), tuple(withdrawn), tuple(updated))
