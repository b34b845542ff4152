"""OrderSyncRepo: what the order sync (`handlers.campaign.sync`) asks of storage, and
NoOrderSync for Contexts without campaigns. `CampaignRepo` includes it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Protocol

from handlers.campaign.plan_values import (
    ChainLink,
    OrderPlan,
    PlanEntry,
    PlanHome,
    PlanTerms,
    StoredOrder,
    StoredProduct,
)
from handlers.campaign.values import SyncReport


class OrderSyncRepo(Protocol):
    """What a sync of 接龙 entries into orders loads and saves (`handlers.campaign.sync`); the
    decisions are `handlers.campaign.plan`'s and `handlers.campaign.link`'s."""

    def chain_link(self, chain_id: int) -> ChainLink | None:
        """The chain if it is an order list, with link candidates when it is not linked yet."""

    def chat_chains(self, chat_id: str) -> list[ChainLink]:
        """The chat's order-list chains, with candidates for those not linked yet."""

    def open_chains(self, since: datetime) -> list[ChainLink]:
        """Order-list chains not linked yet and opened since `since`, with candidates."""

    def link_chain(self, chain_id: int, campaign_id: int) -> None:
        """Link the chain to the campaign (audited)."""

    def lock_campaign(self, campaign_id: int) -> PlanTerms | None:
        """The campaign's terms, its row locked until commit (order numbers in sequence)."""

    def plan_entries(
        self, campaign_id: int, chain_id: int | None = None, seqs: Collection[int] = ()
    ) -> list[PlanEntry]:
        """Entries of the campaign's chains in entry order with their orders: every one, or
        with `chain_id` those seqs of that chain."""

    def find_households(
        self, terms: PlanTerms, entries: Sequence[PlanEntry]
    ) -> list[PlanHome | None]:
        """Each entry's household: at its address (created when new, or the one roster
        household the given parts fit), else its author's registered one."""

    def orders_to_follow(self, entries: Sequence[PlanEntry]) -> dict[int, StoredOrder]:
        """The orders (by id) these changed entries made, with their lines."""

    def plan_products(self, campaign_id: int) -> list[StoredProduct]:
        """The campaign's products by id."""

    def held(self, campaign_id: int, household_ids: Collection[int]) -> dict[int, dict[int, float]]:
        """What these households hold of each product in the campaign's live orders."""

    def save_plan(self, terms: PlanTerms, plan: OrderPlan) -> SyncReport:
        """Write the plan in its order (orders, lines, audit rows) and report it."""


class NoOrderSync:
    """OrderSyncRepo without storage: no chain links, so nothing is ever planned."""

    def chain_link(self, chain_id: int) -> ChainLink | None:
        return None

    def chat_chains(self, chat_id: str) -> list[ChainLink]:
        return []

    def open_chains(self, since: datetime) -> list[ChainLink]:
        return []

    def link_chain(self, chain_id: int, campaign_id: int) -> None:
        raise RuntimeError("no campaign storage in this Context")

    def lock_campaign(self, campaign_id: int) -> PlanTerms | None:
        return None

    def plan_entries(
        self, campaign_id: int, chain_id: int | None = None, seqs: Collection[int] = ()
    ) -> list[PlanEntry]:
        return []

    def find_households(
        self, terms: PlanTerms, entries: Sequence[PlanEntry]
    ) -> list[PlanHome | None]:
        return [None for _ in entries]

    def orders_to_follow(self, entries: Sequence[PlanEntry]) -> dict[int, StoredOrder]:
        return {}

    def plan_products(self, campaign_id: int) -> list[StoredProduct]:
        return []

    def held(self, campaign_id: int, household_ids: Collection[int]) -> dict[int, dict[int, float]]:
        return {}

    def save_plan(self, terms: PlanTerms, plan: OrderPlan) -> SyncReport:
        raise RuntimeError("no campaign storage in this Context")
