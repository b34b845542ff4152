"""In-memory fakes of NeedRepo, MemberRepo and ChainRepo, and a Context for handler tests."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from handlers.context import Context
from handlers.jielong.store import ChainRef, NewEntry, ParsedEntry, Product, StoredEntry
from handlers.members_store import Household, Role
from handlers.needs_store import (
    OPEN_STATUSES,
    NeedDraft,
    NeedStatus,
    StoredNeed,
    WorkerRef,
    need_order,
)
from handlers.types import Incoming, Kind

T0 = datetime(2022, 4, 19, 1, 0, tzinfo=UTC)


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

    def list_needs(self) -> list[StoredNeed]:
        return [self._with_household(n) for n in self.needs]

    def get_need(self, need_id: int, visible_to: str | None = None) -> StoredNeed | None:
        found = [n for n in self.needs if n.id == need_id]
        return self._with_household(found[0]) if found else None

    def list_by_status(
        self, statuses: Collection[NeedStatus] = OPEN_STATUSES, visible_to: str | None = None
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
    """MemberRepo in dicts keyed by (channel, sender_id)."""

    roles: dict[tuple[str, str], Role] = field(default_factory=dict)
    households: dict[tuple[str, str], Household] = field(default_factory=dict)
    names: dict[tuple[str, str], str] = field(default_factory=dict)

    def role(self, channel: str, sender_id: str) -> Role:
        return self.roles.get((channel, sender_id), "resident")

    def household(self, channel: str, sender_id: str) -> Household | None:
        return self.households.get((channel, sender_id))

    def register(
        self, channel: str, sender_id: str, display_name: str, household: Household
    ) -> None:
        self.households[(channel, sender_id)] = household
        self.names[(channel, sender_id)] = display_name


@dataclass
class FakeChainRepo:
    """Just enough of ChainRepo for the needs routes: chains per chat, no entries."""

    chains: list[ChainRef] = field(default_factory=list)

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
        ref = ChainRef(
            len(self.chains) + 1,
            chat_id,
            key,
            title,
            is_order_list,
            tuple(products),
            opened_by,
            opened_at,
        )
        self.chains.append(ref)
        return ref

    def latest_chain(self, chat_id: str) -> ChainRef | None:
        mine = [c for c in self.chains if c.chat_id == chat_id and c.is_order_list]
        return mine[-1] if mine else None

    def seen_counts(self, chain_id: int, keys: Collection[str]) -> dict[str, int]:
        return {}

    def add_seen(self, chain_id: int, counts: Mapping[str, int]) -> None:
        return None

    def entries_by_author(self, chain_id: int, author_id: str) -> list[StoredEntry]:
        return []

    def add_entries(self, chain_id: int, entries: Sequence[NewEntry]) -> list[int]:
        return []

    def withdraw(self, entry_ids: Collection[int], at: datetime) -> None:
        return None

    def replace_entry(
        self, entry_id: int, line_key: str, parsed: ParsedEntry, at: datetime
    ) -> None:
        return None

    def list_entries(self, chain_id: int) -> list[StoredEntry]:
        return []


@dataclass
class World:
    """A Context plus direct access to its fakes."""

    needs: FakeNeedRepo = field(default_factory=FakeNeedRepo)
    members: FakeMemberRepo = field(default_factory=FakeMemberRepo)
    chains: FakeChainRepo = field(default_factory=FakeChainRepo)

    def __post_init__(self) -> None:
        self.needs.members = self.members

    def ctx(self) -> Context:
        return Context(chains=self.chains, needs=self.needs, members=self.members, now=lambda: T0)


def message(
    text: str,
    *,
    sender: str = "r1",
    chat: str = "g1",
    is_group: bool = True,
    kind: Kind = "text",
    event: str = "",
    at: datetime = T0,
    name: str = "",
) -> Incoming:
    """An Incoming on the simulator channel; a 1:1 chat's id is the sender's."""
    return Incoming(
        channel="sim",
        msg_id=f"m-{sender}-{at.timestamp()}-{hash(text)}",
        sender_id=sender,
        chat_id=chat if is_group else sender,
        text=text,
        received_at=at,
        sender_name=name,
        is_group=is_group,
        kind=kind,
        event=event,
    )
