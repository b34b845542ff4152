"""The OrderSyncRepo part of `tests.fakes_campaigns.FakeCampaignRepo`: it loads what a plan
needs from the FakeChainRepo's entries and the fake's tables and saves the plan as
`models.campaign_sync`, `models.entry_orders` and `models.entry_changes` do. It decides
nothing: `handlers.campaign.sync`, `link` and `plan` do, as they do with SQL."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from handlers.campaign.plan_values import (
    ChainLink,
    LinkCandidate,
    NewOrder,
    OrderChange,
    OrderPlan,
    PlanEntry,
    PlanHome,
    PlanTerms,
    PricedLine,
    StoredLine,
    StoredOrder,
    StoredProduct,
)
from handlers.campaign.values import OrderView, SyncReport
from handlers.household.repo import Household
from handlers.jielong.repo import ChainRef, StoredEntry
from handlers.statuses import ACTIVE_CAMPAIGNS, LIVE_STATUSES
from tests.fakes_campaign_rows import CampaignTables, FakeHome, FakeLine, FakeOrder

Address = tuple[int | None, str | None, str | None, str | None]


class FakeOrderSync(CampaignTables):
    """OrderSyncRepo over the fake's tables and its FakeChainRepo."""

    def chain_link(self, chain_id: int) -> ChainLink | None:
        chain = next((c for c in self.chains.chains if c.id == chain_id), None)
        if chain is None or not chain.is_order_list:
            return None
        return self._link_of(chain, self._active() if chain.id not in self.chain_campaign else ())

    def chat_chains(self, chat_id: str) -> list[ChainLink]:
        mine = [c for c in self.chains.chains if c.chat_id == chat_id and c.is_order_list]
        unlinked = any(c.id not in self.chain_campaign for c in mine)
        active = self._active() if unlinked else ()
        return [self._link_of(c, active) for c in mine]

    def open_chains(self, since: datetime) -> list[ChainLink]:
        chains = [
            c
            for c in self.chains.chains
            if c.id not in self.chain_campaign and c.is_order_list and c.opened_at >= since
        ]
        active = self._active() if chains else ()
        return [self._link_of(c, active) for c in chains]

    def _active(self) -> tuple[LinkCandidate, ...]:
        return tuple(
            LinkCandidate(c.id, c.title, c.chat_id, c.created_at, c.community_id)
            for c in self.campaigns.values()
            if c.status in ACTIVE_CAMPAIGNS
        )

    def _link_of(self, chain: ChainRef, active: tuple[LinkCandidate, ...]) -> ChainLink:
        linked = self.chain_campaign.get(chain.id)
        candidates = active if linked is None else ()
        community = self.chat_community(chain.chat_id) if candidates else None
        return ChainLink(
            chain.id, linked, chain.title, chain.chat_id, chain.opened_at, candidates, community
        )

    def link_chain(self, chain_id: int, campaign_id: int) -> None:
        chain = next(c for c in self.chains.chains if c.id == chain_id)
        self.chain_campaign[chain_id] = campaign_id
        before, after = {"campaign_id": None}, {"campaign_id": campaign_id}
        self.write_audit("system", "chain.link", "chain", chain_id, before, after, chain.opened_at)

    def lock_campaign(self, campaign_id: int) -> PlanTerms | None:
        c = self.campaigns.get(campaign_id)
        if c is None:
            return None
        return PlanTerms(
            c.id,
            c.status,
            c.community_id,
            c.channel,
            c.cutoff_at,
            c.closed_at,
            c.created_at,
            c.next_order_no,
            self.has_roster(c.community_id),
        )

    def plan_entries(
        self, campaign_id: int, chain_id: int | None = None, seqs: Collection[int] = ()
    ) -> list[PlanEntry]:
        linked = {chain for chain, c in self.chain_campaign.items() if c == campaign_id}
        wanted = set(seqs)
        found = [
            e
            for e in self.chains.entries.values()
            if e.chain_id in linked
            and (chain_id is None or (e.chain_id == chain_id and e.seq in wanted))
        ]
        found.sort(key=lambda e: (self.chains.first_seen_at[e.id], e.id))
        return [self._plan_entry(campaign_id, e) for e in found]

    def _plan_entry(self, campaign_id: int, e: StoredEntry) -> PlanEntry:
        chat_id = next(c.chat_id for c in self.chains.chains if c.id == e.chain_id)
        order = next(
            (
                o
                for o in self.orders.values()
                if o.campaign_id == campaign_id and o.entry_id == e.id
            ),
            None,
        )
        p = e.parsed
        items = [{"name": i.name, "qty": i.qty, "unit": i.unit} for i in p.items]
        return PlanEntry(
            e.id,
            e.seq,
            e.author_id,
            e.status,
            p.raw,
            p.building,
            p.unit,
            p.room,
            p.name,
            p.phone,
            p.note,
            items,
            self.chains.first_seen_at[e.id],
            self.chains.updated_at[e.id],
            chat_id,
            order.id if order else None,
            order.entry_version if order else None,
            order.household_id if order else None,
        )

    def find_households(
        self, terms: PlanTerms, entries: Sequence[PlanEntry]
    ) -> list[PlanHome | None]:
        at_address: dict[Address, PlanHome] = {}  # one sync: a created home is found again
        found: list[PlanHome | None] = []
        for entry in entries:
            if entry.building or entry.room:
                address = (terms.community_id, entry.building, entry.unit, entry.room)
                home = at_address.get(address) or self._address_home(terms, address, entry)
                at_address[address] = home
                found.append(home)
            else:
                home_id = self.member_home(terms.channel, entry.author_id)
                found.append(None if home_id is None else _plan_home(self.homes[home_id]))
        return found

    def _address_home(self, terms: PlanTerms, address: Address, entry: PlanEntry) -> PlanHome:
        """At this address (None parts match None), else the one roster household the given
        parts fit (room given), else a new one."""
        home = next((h for h in self.homes.values() if h.address == address), None)
        if home is None and terms.has_roster and None in address[1:] and address[3] is not None:
            fits = [
                h
                for h in self.homes.values()
                if h.on_roster
                and h.community_id == address[0]
                and all(
                    v is None or v == mine
                    for v, mine in zip(address[1:], h.address[1:], strict=True)
                )
            ]
            home = fits[0] if len(fits) == 1 else None
        if home is not None:
            return _plan_home(home)
        value = Household(entry.building, entry.unit, entry.room, entry.name, entry.phone, ())
        new = FakeHome(len(self.homes) + 1, terms.community_id, value)
        self.homes[new.id] = new
        return PlanHome(new.id, value, on_roster=False, is_new=True)

    def orders_to_follow(self, entries: Sequence[PlanEntry]) -> dict[int, StoredOrder]:
        found: dict[int, StoredOrder] = {}
        for entry in entries:
            if entry.order_id is None:
                continue
            o = self.orders[entry.order_id]
            lines = tuple(
                StoredLine(ln.product_id, ln.name, ln.qty) for ln in self.order_lines(o.id)
            )
            found[o.id] = StoredOrder(o.id, o.no, o.status, tuple(o.flags), o.household_id, lines)
        return found

    def plan_products(self, campaign_id: int) -> list[StoredProduct]:
        return list(self.products.get(campaign_id, []))

    def held(self, campaign_id: int, household_ids: Collection[int]) -> dict[int, dict[int, float]]:
        held: dict[int, dict[int, float]] = {h: {} for h in household_ids}
        for o in self.orders.values():
            if o.campaign_id != campaign_id or o.status not in LIVE_STATUSES:
                continue
            if o.household_id not in held:
                continue
            for ln in self.order_lines(o.id):
                if ln.product_id is not None:
                    mine = held[o.household_id]
                    mine[ln.product_id] = mine.get(ln.product_id, 0.0) + ln.qty
        return held

    def save_plan(self, terms: PlanTerms, plan: OrderPlan) -> SyncReport:
        created: list[FakeOrder] = []
        withdrawn: list[int] = []
        updated: list[int] = []
        for step in plan.steps:  # in entry order: numbers, line ids and audit rows follow it
            if isinstance(step, NewOrder):
                created.append(self._new_order(terms, step))
                continue
            self._follow(step)
            if step.kind != "ignore":
                (withdrawn if step.kind == "withdraw" else updated).append(step.order.no)
        if created:
            self.campaigns[terms.id].next_order_no = plan.next_order_no
        views: list[OrderView] = self.views(created)
        return SyncReport(terms.id, tuple(views), tuple(withdrawn), tuple(updated))

    def _new_order(self, terms: PlanTerms, step: NewOrder) -> FakeOrder:
        entry, flags = step.entry, list(step.flags)
        order = FakeOrder(
            id=len(self.orders) + 1,
            campaign_id=terms.id,
            no=step.no,
            status=step.status,
            household_id=step.home.id if step.home else None,
            entry_id=entry.id,
            chat_id=entry.chat_id,
            sender_id=entry.author_id,
            flags=flags,
            created_at=entry.first_seen_at,
            updated_at=entry.updated_at,
            entry_version=entry.updated_at,
            note=entry.note,
        )
        self.orders[order.id] = order
        self._add_lines(order.id, step.lines)
        after: dict[str, Any] = {
            "no": step.no,
            "status": step.status,
            "raw": entry.raw,
            "items": entry.items,
            "flags": flags,
        }
        self.write_audit(
            entry.author_id, "order.create", "order", order.id, None, after, entry.first_seen_at
        )
        return order

    def _add_lines(self, order_id: int, lines: Sequence[PricedLine]) -> None:
        for ln in lines:
            line_id = len(self.lines) + 1
            self.lines[line_id] = FakeLine(
                line_id, order_id, ln.product_id, ln.name, ln.qty, ln.unit, ln.requested_qty
            )

    def _follow(self, change: OrderChange) -> None:
        """As `models.entry_changes.follow_change`."""
        entry, order = change.entry, self.orders[change.order.id]
        order.entry_version = entry.updated_at
        before: dict[str, Any] = {"status": order.status}
        if change.kind == "ignore":
            after: dict[str, Any] = {"entry_status": entry.status, "raw": entry.raw}
            self._audit(entry, "order.entry_changed_ignored", order, before, after)
            return
        if change.kind == "withdraw":
            self._audit(entry, "order.withdraw", order, before, {"status": "withdrawn"})
            order.status = "withdrawn"
            return
        old = [{"name": ln.name, "qty": ln.qty} for ln in change.order.lines]
        for line in self.order_lines(order.id):
            line.qty, line.requested_qty = 0.0, 0.0
        self._add_lines(order.id, change.lines)
        order.flags = list(change.flags)
        order.updated_at = entry.updated_at
        after = {"items": entry.items, "raw": entry.raw}
        self._audit(entry, "order.edit", order, {"items": old}, after)

    def _audit(
        self,
        entry: PlanEntry,
        action: str,
        order: FakeOrder,
        before: dict[str, Any],
        after: dict[str, Any],
    ) -> None:
        self.write_audit(
            entry.author_id, action, "order", order.id, before, after, entry.updated_at
        )


def _plan_home(home: FakeHome) -> PlanHome:
    return PlanHome(home.id, home.value, home.on_roster)
