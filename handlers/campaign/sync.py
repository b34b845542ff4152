"""Chain entries → orders, the one way in for chat, worker page and scheduler alike. Idempotent.

Runs after every 接龙 message in a chat (`sync_chain`), before campaign commands and at 截单
(`sync_orders`, `sync_chat`). It asks the repository for what a plan needs, lets
`handlers.campaign.plan.plan_orders` decide, and asks the repository to save the plan. Each
entry maps to at most one order; an entry's update time is kept on its order, so a second run
plans nothing. Every repost pays this, so what it loads stays a handful of statements: the
households, products and held quantities are asked for only when there is something to plan.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from handlers.campaign.link import LINK_GRACE, best_campaign
from handlers.campaign.plan import PlanCampaign, follows, is_limited, needs_order, plan_orders
from handlers.campaign.plan_values import (
    EntryState,
    PlanEntry,
    PlanHome,
    PlanTerms,
    StoredOrder,
    StoredProduct,
)
from handlers.campaign.sync_repo import OrderSyncRepo
from handlers.campaign.values import SyncReport
from handlers.statuses import ACTIVE_CAMPAIGNS


def sync_chain(
    repo: OrderSyncRepo, chain_id: int, seqs: Collection[int], at: datetime
) -> list[SyncReport]:
    """After one 接龙 message: link its chain if new to a campaign, then sync what it changed.

    A chain linked just now brings its earlier entries, so its campaign gets the full pass;
    otherwise every earlier message was synced when it came, and only these seqs can differ.
    """
    chain = repo.chain_link(chain_id)
    if chain is None:
        return []
    if chain.campaign_id is None:
        best = best_campaign(chain)
        if best is None:
            return []
        repo.link_chain(chain_id, best)
        return [sync_orders(repo, best, at)]
    if not seqs:
        return []
    terms = repo.lock_campaign(chain.campaign_id)
    if terms is None or terms.status not in ACTIVE_CAMPAIGNS:
        return [SyncReport(chain.campaign_id)]
    return [_sync(repo, terms, repo.plan_entries(terms.id, chain_id, seqs))]


def sync_orders(repo: OrderSyncRepo, campaign_id: int, at: datetime) -> SyncReport:
    """Every entry of every chain of the campaign, after linking open chains that name it
    (截单, worker commands, the worker page). The campaign stays locked until commit."""
    terms = repo.lock_campaign(campaign_id)
    if terms is None or terms.status not in ACTIVE_CAMPAIGNS:
        return SyncReport(campaign_id)
    link_open_chains(repo, terms.created_at)
    return _sync(repo, terms, repo.plan_entries(campaign_id))


def sync_chat(repo: OrderSyncRepo, chat_id: str, at: datetime) -> list[SyncReport]:
    """Sync every campaign a chain in this chat belongs (or now links) to."""
    ids: set[int] = set()
    for chain in repo.chat_chains(chat_id):
        campaign_id = chain.campaign_id
        if campaign_id is None and (campaign_id := best_campaign(chain)) is not None:
            repo.link_chain(chain.id, campaign_id)
        if campaign_id is not None:
            ids.add(campaign_id)
    return [sync_orders(repo, campaign_id, at) for campaign_id in sorted(ids)]


def link_open_chains(repo: OrderSyncRepo, created_at: datetime) -> None:
    """Link unlinked order-list chains that name a campaign opened at `created_at` (any chat:
    reposts travel)."""
    for chain in repo.open_chains(created_at - LINK_GRACE):
        if (best := best_campaign(chain)) is not None:
            repo.link_chain(chain.id, best)


def _sync(repo: OrderSyncRepo, terms: PlanTerms, entries: Sequence[PlanEntry]) -> SyncReport:
    """Plan the entries that need it (new ones, changed ones) and save the plan."""
    new = [e for e in entries if needs_order(e)]
    changed = [e for e in entries if follows(e)]
    if not new and not changed:
        return SyncReport(terms.id)
    homes = dict(zip((e.id for e in new), repo.find_households(terms, new), strict=True))
    orders = repo.orders_to_follow(changed) if changed else {}
    products = repo.plan_products(terms.id)
    held = _held(repo, terms.id, products, homes.values(), orders.values())
    states = [
        EntryState(e, homes.get(e.id), None if e.order_id is None else orders.get(e.order_id))
        for e in entries
        if e.id in homes or follows(e)
    ]
    plan = plan_orders(PlanCampaign(terms, products), states, held)
    return repo.save_plan(terms, plan)


def _held(
    repo: OrderSyncRepo,
    campaign_id: int,
    products: Sequence[StoredProduct],
    homes: Collection[PlanHome | None],
    orders: Collection[StoredOrder],
) -> dict[int, dict[int, float]]:
    """What the households involved hold already, asked only when some product has a limit;
    a household created by this sync holds nothing."""
    if not is_limited(products):
        return {}
    held: dict[int, dict[int, float]] = {h.id: {} for h in homes if h is not None and h.is_new}
    ids = {h.id for h in homes if h is not None} | {o.household_id for o in orders}
    unread = {h for h in ids if h is not None} - set(held)
    if unread:
        held.update(repo.held(campaign_id, unread))
    return held
