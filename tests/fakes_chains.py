"""In-memory ChainRepo and the small fakes a 接龙 handler test needs (no database)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from handlers.context import Context
from handlers.jielong.store import ChainRef, NewEntry, ParsedEntry, Product, StoredEntry
from handlers.members_store import Household, Role
from handlers.needs_store import NeedDraft, StoredNeed


@dataclass
class FakeChainRepo:
    """A faithful in-memory ChainRepo: chains, entries with stable seqs, seen-line counts."""

    chains: list[ChainRef] = field(default_factory=list)
    entries: dict[int, StoredEntry] = field(default_factory=dict)
    seen: dict[int, dict[str, int]] = field(default_factory=dict)
    by_chain: dict[int, list[int]] = field(default_factory=dict)
    seen_calls: int = 0

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
        mine = [c for c in self.chains if c.chat_id == chat_id and c.is_order_list]
        return max(mine, key=lambda c: (c.opened_at, c.id)) if mine else None

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
            seqs.append(first + offset)
        return seqs

    def withdraw(self, entry_ids: Collection[int], at: datetime) -> None:
        for entry_id in entry_ids:
            self.entries[entry_id] = replace(self.entries[entry_id], status="withdrawn")

    def replace_entry(
        self, entry_id: int, line_key: str, parsed: ParsedEntry, at: datetime
    ) -> None:
        self.entries[entry_id] = replace(self.entries[entry_id], line_key=line_key, parsed=parsed)

    def list_entries(self, chain_id: int) -> list[StoredEntry]:
        return [self.entries[i] for i in self.by_chain.get(chain_id, [])]

    def all_chains(self) -> list[ChainRef]:
        """Every chain in opening order (what replay lists)."""
        return sorted(self.chains, key=lambda c: (c.opened_at, c.id))


@dataclass
class FakeMemberRepo:
    """Members: everyone is a resident; households only where a test registers them."""

    homes: dict[str, Household] = field(default_factory=dict)

    def role(self, channel: str, sender_id: str) -> Role:
        return "resident"

    def household(self, channel: str, sender_id: str) -> Household | None:
        return self.homes.get(sender_id)

    def register(
        self, channel: str, sender_id: str, display_name: str, household: Household
    ) -> None:
        self.homes[sender_id] = household


@dataclass
class FakeNeedRepo:
    """Needs are not the 接龙 feature's business: stored, never read back by it."""

    needs: list[StoredNeed] = field(default_factory=list)

    def add_need(self, chat_id: str, sender_id: str, draft: NeedDraft, at: datetime) -> StoredNeed:
        need = StoredNeed(len(self.needs) + 1, chat_id, sender_id, draft, "new", at)
        self.needs.append(need)
        return need

    def latest_need(self, chat_id: str, since: datetime) -> StoredNeed | None:
        return None

    def list_needs(self) -> list[StoredNeed]:
        return list(self.needs)


def make_context(chains: FakeChainRepo | None = None) -> Context:
    """A Context of fakes with a fixed clock."""
    return Context(
        chains=chains or FakeChainRepo(),
        needs=FakeNeedRepo(),
        members=FakeMemberRepo(),
        now=lambda: datetime(2022, 4, 10, tzinfo=UTC),
    )
