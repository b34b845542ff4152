"""Loading and saving for the sync of chain entries into orders (`handlers.campaign.sync`).

The decisions are the handlers' (`handlers.campaign.plan`, `handlers.campaign.link`); this
module reads what a plan needs and hands the saving to `models.entry_orders` (new orders) and
`models.entry_changes` (orders following their entry). Every repost pays a sync, so it reads
with Core statements built once (compiled-cache hits) and stays a handful of statements; only
the rare withdrawals and edits load ORM objects.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import datetime
from itertools import starmap
from typing import Any

from sqlalchemy import and_, bindparam, literal, select
from sqlalchemy.orm import Session

from handlers.campaign.plan_values import (
    ChainLink,
    LinkCandidate,
    NewOrder,
    OrderPlan,
    PlanEntry,
    PlanHome,
    PlanTerms,
    StoredOrder,
    StoredProduct,
)
from handlers.campaign.values import SyncReport
from handlers.statuses import ACTIVE_CAMPAIGNS
from models.audit import write_audit
from models.base import table_of
from models.campaign import Campaign, Order
from models.chain import Chain, ChainEntry
from models.community import Chat
from models.entry_changes import follow_change, stored_orders
from models.entry_orders import HouseholdFinder, OrderBatch, has_roster
from models.order_pricing import held_quantities, products_of

log = logging.getLogger(__name__)

# A sync reads with Core statements built once (compiled-cache hits); only the rare
# withdrawals and edits load ORM objects.
_campaigns = table_of(Campaign)
_chains = table_of(Chain)
_entries = table_of(ChainEntry)
_orders = table_of(Order)

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
        _campaigns.c.id,  # in PlanTerms' order
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
        _entries.c.id,  # in PlanEntry's order
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
_SEQ_ENTRIES = _ENTRIES.where(
    _entries.c.chain_id == bindparam("chain_id_"),
    _entries.c.seq.in_(bindparam("seqs_", expanding=True)),
)


class CampaignSync:
    """The OrderSyncRepo half of SqlCampaignRepo."""

    session: Session

    def chain_link(self, chain_id: int) -> ChainLink | None:
        self.session.flush()
        rows = self.session.connection().execute(_CHAIN_OF, {"chain_id_": chain_id}).all()
        if not rows or not rows[0].is_order_list:
            return None
        n = len(_CHAIN_COLS)
        campaign_id, _, title, chat_id, opened_at = rows[0][:n]
        active = tuple(LinkCandidate(*row[n:]) for row in rows if row[n] is not None)
        community = chat_community(self.session, chat_id) if active else None
        return ChainLink(chain_id, campaign_id, title, chat_id, opened_at, active, community)

    def chat_chains(self, chat_id: str) -> list[ChainLink]:
        chains = self.session.scalars(
            select(Chain).where(Chain.chat_id == chat_id, Chain.is_order_list.is_(True))
        ).all()
        active = self._active() if any(c.campaign_id is None for c in chains) else ()
        community = chat_community(self.session, chat_id) if active else None
        return [_link_of(c, active, community) for c in chains]

    def open_chains(self, since: datetime) -> list[ChainLink]:
        chains = self.session.scalars(
            select(Chain).where(
                Chain.campaign_id.is_(None), Chain.is_order_list.is_(True), Chain.opened_at >= since
            )
        ).all()
        active = self._active() if chains else ()
        return [_link_of(c, active, chat_community(self.session, c.chat_id)) for c in chains]

    def _active(self) -> tuple[LinkCandidate, ...]:
        """Campaigns a chain may still link to, read once per sync."""
        rows = self.session.connection().execute(_ACTIVE).all()
        return tuple(LinkCandidate(*row) for row in rows)

    def link_chain(self, chain_id: int, campaign_id: int) -> None:
        chain = self.session.get_one(Chain, chain_id)
        chain.campaign_id = campaign_id
        before, after = {"campaign_id": None}, {"campaign_id": campaign_id}
        write_audit(
            self.session, "system", "chain.link", "chain", chain.id, before, after, chain.opened_at
        )

    def lock_campaign(self, campaign_id: int) -> PlanTerms | None:
        self.session.flush()  # Core reads below: pending links and changes must be in the database
        params = {"campaign_id_": campaign_id}
        row = self.session.connection().execute(_LOCK_CAMPAIGN, params).first()
        return None if row is None else PlanTerms(*row)

    def plan_entries(
        self, campaign_id: int, chain_id: int | None = None, seqs: Collection[int] = ()
    ) -> list[PlanEntry]:
        params: dict[str, Any] = {"campaign_id_": campaign_id}
        if chain_id is None:
            self.session.flush()  # the chains linked just now
            query = _ENTRIES
        else:
            query = _SEQ_ENTRIES
            params.update(chain_id_=chain_id, seqs_=list(seqs))
        return list(starmap(PlanEntry, self.session.connection().execute(query, params)))

    def find_households(
        self, terms: PlanTerms, entries: Sequence[PlanEntry]
    ) -> list[PlanHome | None]:
        finder = HouseholdFinder(self.session.connection(), terms)
        return [finder.household(entry) for entry in entries]

    def orders_to_follow(self, entries: Sequence[PlanEntry]) -> dict[int, StoredOrder]:
        return stored_orders(self.session, entries)

    def plan_products(self, campaign_id: int) -> list[StoredProduct]:
        return products_of(self.session.connection(), campaign_id)

    def held(self, campaign_id: int, household_ids: Collection[int]) -> dict[int, dict[int, float]]:
        return held_quantities(self.session.connection(), campaign_id, household_ids)

    def save_plan(self, terms: PlanTerms, plan: OrderPlan) -> SyncReport:
        batch = OrderBatch(self.session, terms)
        withdrawn: list[int] = []
        updated: list[int] = []
        for step in plan.steps:  # in entry order: numbers, line ids and audit rows follow it
            if isinstance(step, NewOrder):
                batch.add_order(step)
                continue
            follow_change(self.session, batch, step)
            if step.kind != "ignore":
                (withdrawn if step.kind == "withdraw" else updated).append(step.order.no)
        created = batch.write(plan)
        if len(created) < len(plan.steps):
            self.session.flush()  # the followed orders, next to the rows just written
        return SyncReport(terms.id, tuple(created), tuple(withdrawn), tuple(updated))


def _link_of(chain: Chain, active: tuple[LinkCandidate, ...], community: int | None) -> ChainLink:
    candidates = active if chain.campaign_id is None else ()
    return ChainLink(
        chain.id,
        chain.campaign_id,
        chain.title,
        chain.chat_id,
        chain.opened_at,
        candidates,
        community if candidates else None,
    )


def chat_community(session: Session, chat_id: str) -> int | None:
    """The community a chat belongs to (any channel it is registered on), if any."""
    return session.scalar(
        select(Chat.community_id)
        .where(Chat.external_id == chat_id, Chat.community_id.is_not(None))
        .limit(1)
    )
