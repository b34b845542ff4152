"""Value types of a 接龙 chain and the repository Protocol that storage implements.

The merge logic in `handlers.jielong.merge` speaks only to `ChainRepo`; `models.chains`
implements it on SQLAlchemy and tests use an in-memory fake.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

EntryStatus = Literal["active", "withdrawn"]

# Flags a worker sees beside an entry.
FLAG_UNREADABLE = "unreadable"  # 待核实: the line could not be read; raw text kept
FLAG_POSSIBLE_DUPLICATE = "possible_duplicate"  # same line again: maybe the same household twice
FLAG_SENTENCE = "sentence"  # ordered in a sentence, not through the chain
FLAG_LATE = "late"  # arrived after the cut-off
# Order chains a sentence order or a 取消 may belong to: a chat rarely runs more than three at once
RECENT_CHAINS = 3
# 待核实 with a reason (handlers.jielong.doubts): read, but not with confidence
FLAG_DOUBT_NO_ADDRESS = "doubt:no_address"
FLAG_DOUBT_UNKNOWN_ITEM = "doubt:unknown_item"
FLAG_DOUBT_QTY_RANGE = "doubt:qty_range"
DOUBT_FLAGS = (
    FLAG_UNREADABLE,
    FLAG_DOUBT_NO_ADDRESS,
    FLAG_DOUBT_UNKNOWN_ITEM,
    FLAG_DOUBT_QTY_RANGE,
)


@dataclass(frozen=True, slots=True)
class Item:
    """One ordered item: name as written, quantity, measure word (or None)."""

    name: str
    qty: float
    unit: str | None


@dataclass(frozen=True, slots=True)
class Product:
    """A product announced in a chain's header (`38元/份`)."""

    name: str
    price: float | None = None
    unit: str | None = None
    spec: str | None = None  # the pack size announced with it ('10斤装', '550ml*24瓶')


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """The fields of one entry as the REPLAY contract names them."""

    raw: str
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    name: str | None = None
    items: tuple[Item, ...] = ()
    phone: str | None = None
    note: str | None = None
    readable: bool = True


@dataclass(frozen=True, slots=True)
class ChainRef:
    """A stored chain: identified by chat and normalised title."""

    id: int
    chat_id: str
    key: str
    title: str
    is_order_list: bool
    products: tuple[Product, ...]
    opened_by: str
    opened_at: datetime


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """An entry as storage holds it."""

    id: int
    chain_id: int
    seq: int
    author_id: str
    line_key: str
    status: EntryStatus
    parsed: ParsedEntry
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NewEntry:
    """An entry to append to a chain; storage assigns the next seq."""

    author_id: str
    line_key: str
    parsed: ParsedEntry
    seen_at: datetime
    flags: tuple[str, ...] = field(default_factory=tuple)


class ChainRepo(Protocol):
    """Storage of chains, their entries and the multiset of lines seen in each chain."""

    def find_chain(self, chat_id: str, key: str) -> ChainRef | None:
        """The chain with this normalised key in this chat, if any."""

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
        """Store a new chain and return it."""

    def latest_chain(self, chat_id: str) -> ChainRef | None:
        """The most recently opened order-list chain in this chat."""

    def recent_chains(self, chat_id: str) -> list[ChainRef]:
        """The chat's order-list chains, most recently opened first (RECENT_CHAINS at most):
        those a sentence order or a 取消 may belong to."""

    def seen_counts(self, chain_id: int, keys: Collection[str]) -> dict[str, int]:
        """How many copies of each line key were seen in this chain so far (absent = 0)."""

    def add_seen(self, chain_id: int, counts: Mapping[str, int]) -> None:
        """Raise the seen count of each key to at least the given count."""

    def entries_by_author(self, chain_id: int, author_id: str) -> list[StoredEntry]:
        """The author's active entries in this chain, in seq order."""

    def add_entries(self, chain_id: int, entries: Sequence[NewEntry]) -> list[int]:
        """Append entries with the next seq numbers; return their seqs."""

    def withdraw(self, entry_ids: Collection[int], at: datetime) -> None:
        """Mark entries withdrawn (never deleted)."""

    def replace_entry(
        self,
        entry_id: int,
        line_key: str,
        parsed: ParsedEntry,
        at: datetime,
        flags: tuple[str, ...] | None = None,
    ) -> None:
        """An edit by the entry's author (or a re-reading): new fields, same seq; the flags
        are replaced when given."""

    def set_products(self, chain_id: int, products: Sequence[Product]) -> None:
        """A corrected catalogue for the chain."""

    def list_entries(self, chain_id: int) -> list[StoredEntry]:
        """All entries of the chain in seq order, withdrawn ones included."""
