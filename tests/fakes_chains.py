"""In-memory fakes of the handler repositories — ChainRepo, NeedRepo, MemberRepo — and a
Context of them, for handler tests without a database. One fake per Protocol, kept faithful to
the Sql* repositories; `tests.fakes_needs` adds the needs tests' World and message()."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from bot.config import DEFAULT_ZONE
from handlers.context import Context
from handlers.household.repo import Household, Role
from handlers.jielong.repo import (
    RECENT_CHAINS,
    ChainRef,
    NewEntry,
    ParsedEntry,
    Product,
    StoredEntry,
)
from handlers.needs.repo import NeedDraft, StoredNeed, WorkerRef, need_order
from handlers.statuses import OPEN_NEED_STATUSES, NeedStatus


@dataclass
class FakeChainRepo:
    """A faithful in-memory ChainRepo: chains, entries with stable seqs, seen-line counts, and
    each entry's first-seen and update times (what `tests.fakes_campaigns` plans orders with)."""

    chains: list[ChainRef] = field(default_factory=list)
    entries: dict[int, StoredEntry] = field(default_factory=dict)
    seen: dict[int, dict[str, int]] = field(default_factory=dict)
    by_chain: dict[int, list[int]] = field(default_factory=dict)
    seen_calls: int = 0
    first_seen_at: dict[int, datetime] = field(default_factory=dict)  # entry id → when it came
    updated_at: dict[int, datetime] = field(default_factory=dict)  # entry id → last change

    def find_chain(self, chat_id: str, key: str) -> ChainRef | None:
        return next((c for c in self.chains if c.chat_id == chat_id and c.key == key), None)

    def create_chain(
        self,
        chat_id: str,
        key: str,
        title: str,
        is_order_list: bool,
        products: Sequence[Product],
        opened_by: str,
        opened_at: datetime,
    ) -> ChainRef:
        chain = ChainRef(
            id=len(self.chains) + 1,
            chat_id=chat_id,
            key=key,
            title=title,
            is_order_list=is_order_list,
            products=tuple(products),
            opened_by=opened_by,
            opened_at=opened_at,
        )
        self.chains.append(chain)
        self.seen[chain.id] = {}
        self.by_chain[chain.id] = []
        return chain

    def latest_chain(self, chat_id: str) -> ChainRef | None:
        recent = self.recent_chains(chat_id)
        return recent[0] if recent else None

    def recent_chains(self, chat_id: str) -> list[ChainRef]:
        mine = [c for c in self.chains if c.chat_id == chat_id and c.is_order_list]
        return sorted(mine, key=lambda c: (c.opened_at, c.id), reverse=True)[:RECENT_CHAINS]

    def seen_counts(self, chain_id: int, keys: Collection[str]) -> dict[str, int]:
        self.seen_calls += 1
        known = self.seen[chain_id]
        return {k: known[k] for k in keys if k in known}

    def add_seen(self, chain_id: int, counts: Mapping[str, int]) -> None:
        known = self.seen[chain_id]
        for key, count in counts.items():
            known[key] = max(known.get(key, 0), count)

    def entries_by_author(self, chain_id: int, author_id: str) -> list[StoredEntry]:
        return [
            e
            for e in self.list_entries(chain_id)
            if e.author_id == author_id and e.status == "active"
        ]

    def add_entries(self, chain_id: int, entries: Sequence[NewEntry]) -> list[int]:
        first = 1 + len(self.by_chain[chain_id])
        seqs: list[int] = []
        for offset, new in enumerate(entries):
            entry_id = len(self.entries) + 1
            self.entries[entry_id] = StoredEntry(
                id=entry_id,
                chain_id=chain_id,
                seq=first + offset,
                author_id=new.author_id,
                line_key=new.line_key,
                status="active",
                parsed=new.parsed,
                flags=tuple(new.flags),
            )
            self.by_chain[chain_id].append(entry_id)
            self.first_seen_at[entry_id] = self.updated_at[entry_id] = new.seen_at
            seqs.append(first + offset)
        return seqs

    def withdraw(self, entry_ids: Collection[int], at: datetime) -> None:
        for entry_id in entry_ids:
            self.entries[entry_id] = replace(self.entries[entry_id], status="withdrawn")
            self.updated_at[entry_id] = at

    def replace_entry(
        self,
        entry_id: int,
        line_key: str,
        parsed: ParsedEntry,
        at: datetime,
        flags: tuple[str, ...] | None = None,
    ) -> None:
        entry = self.entries[entry_id]
        new_flags = entry.flags if flags is None else flags
        self.entries[entry_id] = replace(entry, line_key=line_key, parsed=parsed, flags=new_flags)
        self.updated_at[entry_id] = at

    def set_products(self, chain_id: int, products: Sequence[Product]) -> None:
        self.chains = [
            replace(c, products=tuple(products)) if c.id == chain_id else c for c in self.chains
        ]

    def list_entries(self, chain_id: int) -> list[StoredEntry]:
        return [self.entries[i] for i in self.by_chain.get(chain_id, [])]

    def all_chains(self) -> list[ChainRef]:
        """Every chain in opening order (what replay lists)."""
        return sorted(self.chains, key=lambda c: (c.opened_at, c.id))


@dataclass
class FakeNeedRepo:
    """NeedRepo in a list; ticket numbers start at 1. Households come from `members` (World
    links it); `log` records every status change as (action, ticket, actor)."""

    needs: list[StoredNeed] = field(default_factory=list)
    members: FakeMemberRepo | None = None
    channel: str = "sim"
    log: list[tuple[str, int, str]] = field(default_factory=list)

    def add_need(self, chat_id: str, sender_id: str, draft: NeedDraft, at: datetime) -> StoredNeed:
        need = StoredNeed(
            len(self.needs) + 1, chat_id, sender_id, draft, "new", at, channel=self.channel
        )
        self.needs.append(need)
        return need

    def latest_need(self, chat_id: str, since: datetime) -> StoredNeed | None:
        mine = [n for n in self.needs if n.chat_id == chat_id and n.created_at >= since]
        return mine[-1] if mine else None

    def recent_needs(self, chat_id: str, since: datetime) -> list[StoredNeed]:
        return [n for n in self.needs if n.chat_id == chat_id and n.created_at >= since][::-1]

    def record_answer(self, need_id: int, text: str, by: str, at: datetime) -> None:
        n = self.needs[need_id - 1]
        if n.answer is None:
            self.needs[need_id - 1] = replace(n, answer=text)

    def list_needs(self) -> list[StoredNeed]:
        return [self._with_household(n) for n in self.needs]

    def get_need(self, need_id: int, visible_to: str | None = None) -> StoredNeed | None:
        found = [n for n in self.needs if n.id == need_id]
        return self._with_household(found[0]) if found else None

    def list_by_status(
        self, statuses: Collection[NeedStatus] = OPEN_NEED_STATUSES, visible_to: str | None = None
    ) -> list[StoredNeed]:
        chosen = [self._with_household(n) for n in self.needs if n.status in statuses]
        return sorted(chosen, key=need_order)

    def take_need(self, need_id: int, worker_id: str, at: datetime) -> StoredNeed:
        return self._assign(need_id, worker_id, worker_id, "need.take", at)

    def transfer_need(self, need_id: int, to_worker: str, actor: str, at: datetime) -> StoredNeed:
        return self._assign(need_id, to_worker, actor, "need.transfer", at)

    def resolve_need(self, need_id: int, note: str, actor: str, at: datetime) -> StoredNeed:
        n = self.needs[need_id - 1]
        done = replace(
            n,
            status="resolved",
            resolution=note or None,
            resolved_at=at,
            assignee_id=n.assignee_id or actor,
            acknowledged_at=n.acknowledged_at or at,
        )
        return self._put(done, "need.done", actor)

    def start_needs(self, need_ids: Collection[int], actor: str, note: str, at: datetime) -> None:
        for need_id in need_ids:
            n = self.needs[need_id - 1]
            if n.status != "resolved":
                started = replace(
                    n,
                    status="in_progress",
                    assignee_id=n.assignee_id or actor,
                    acknowledged_at=n.acknowledged_at or at,
                )
                self._put(started, "need.start", actor)

    def list_workers(self, visible_to: str | None = None) -> list[WorkerRef]:
        if self.members is None:
            return []
        return [
            WorkerRef(sender, self.members.names.get((channel, sender), sender), channel)
            for (channel, sender), role in self.members.roles.items()
            if role in ("worker", "admin")
        ]

    def flag_household(self, channel: str, sender_id: str, flag: str, at: datetime) -> bool:
        household = None if self.members is None else self.members.household(channel, sender_id)
        if self.members is None or household is None or flag in household.flags:
            return False
        self.members.households[(channel, sender_id)] = replace(
            household, flags=(*household.flags, flag)
        )
        return True

    def _assign(
        self, need_id: int, worker: str, actor: str, action: str, at: datetime
    ) -> StoredNeed:
        n = self.needs[need_id - 1]
        status: NeedStatus = "acknowledged" if n.status == "new" else n.status
        taken = replace(
            n, assignee_id=worker, status=status, acknowledged_at=n.acknowledged_at or at
        )
        return self._put(taken, action, actor)

    def _put(self, need: StoredNeed, action: str, actor: str) -> StoredNeed:
        self.needs[need.id - 1] = need
        self.log.append((action, need.id, actor))
        return self._with_household(need)

    def _with_household(self, need: StoredNeed) -> StoredNeed:
        if self.members is None:
            return need
        return replace(need, household=self.members.household(need.channel, need.sender_id))


@dataclass
class FakeMemberRepo:
    """MemberRepo in dicts keyed by (channel, sender_id); `homes` gives a sender a household on
    any channel (the shorthand 接龙 tests use)."""

    roles: dict[tuple[str, str], Role] = field(default_factory=dict)
    households: dict[tuple[str, str], Household] = field(default_factory=dict)
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    homes: dict[str, Household] = field(default_factory=dict)

    def role(self, channel: str, sender_id: str) -> Role:
        return self.roles.get((channel, sender_id), "resident")

    def household(self, channel: str, sender_id: str) -> Household | None:
        found = self.households.get((channel, sender_id))
        return found if found is not None else self.homes.get(sender_id)

    def register(
        self,
        channel: str,
        sender_id: str,
        display_name: str,
        household: Household,
        chat_id: str = "",
        community_id: int | None = None,
        community: str = "",
    ) -> bool:
        self.households[(channel, sender_id)] = household
        self.names[(channel, sender_id)] = display_name
        return True


def make_context(chains: FakeChainRepo | None = None) -> Context:
    """A Context of fakes with a fixed clock (the need fake sees the member fake's households)."""
    members = FakeMemberRepo()
    return Context(
        chains=chains or FakeChainRepo(),
        needs=FakeNeedRepo(members=members),
        members=members,
        now=lambda: datetime(2022, 4, 10, tzinfo=UTC),
        tz=DEFAULT_ZONE,
    )
