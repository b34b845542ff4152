"""SqlChainRepo: the 接龙 ChainRepo Protocol on SQLAlchemy."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from handlers.jielong.store import (
    ChainRef,
    EntryStatus,
    Item,
    NewEntry,
    ParsedEntry,
    Product,
    StoredEntry,
)
from models.base import utcnow
from models.chain import Chain, ChainEntry, ChainLine

_IN_LIST_MAX = 50  # more keys than this: read the chain's lines instead of a long IN list


def line_hash(key: str) -> str:
    """Fixed-size key for a normalised line (lines may be long; the index stays small)."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()


def _upsert_max_count(session: Session) -> Any:
    """INSERT … ON CONFLICT DO UPDATE SET count = max(old, new): one statement for many lines."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(ChainLine)
    bigger = case(
        (stmt.excluded.count > ChainLine.count, stmt.excluded.count), else_=ChainLine.count
    )
    return stmt.on_conflict_do_update(
        index_elements=["chain_id", "line_hash"], set_={"count": bigger}
    )


def to_chain_ref(row: Chain) -> ChainRef:
    """Model row → handler value."""
    products = tuple(Product(p["name"], p.get("price"), p.get("unit")) for p in row.products)
    return ChainRef(
        row.id,
        row.chat_id,
        row.key,
        row.title,
        row.is_order_list,
        products,
        row.opened_by,
        row.opened_at,
    )


def to_parsed(row: ChainEntry) -> ParsedEntry:
    """Model row → the parsed fields."""
    items = tuple(Item(i["name"], i["qty"], i.get("unit")) for i in row.items)
    return ParsedEntry(
        raw=row.raw,
        building=row.building,
        unit=row.unit,
        room=row.room,
        name=row.name,
        items=items,
        phone=row.phone,
        note=row.note,
        readable=row.readable,
    )


def to_stored(row: ChainEntry) -> StoredEntry:
    """Model row → handler value."""
    status: EntryStatus = "withdrawn" if row.status == "withdrawn" else "active"
    return StoredEntry(
        row.id,
        row.chain_id,
        row.seq,
        row.author_id,
        row.line_key,
        status,
        to_parsed(row),
        tuple(row.flags),
    )


def parsed_columns(parsed: ParsedEntry) -> dict[str, Any]:
    """The ChainEntry columns that hold a ParsedEntry."""
    return {
        "raw": parsed.raw,
        "building": parsed.building,
        "unit": parsed.unit,
        "room": parsed.room,
        "name": parsed.name,
        "phone": parsed.phone,
        "note": parsed.note,
        "readable": parsed.readable,
        "items": [{"name": i.name, "qty": i.qty, "unit": i.unit} for i in parsed.items],
    }


class SqlChainRepo:
    """ChainRepo on one open Session; the caller owns the transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def find_chain(self, chat_id: str, key: str) -> ChainRef | None:
        row = self.session.scalar(select(Chain).where(Chain.chat_id == chat_id, Chain.key == key))
        return None if row is None else to_chain_ref(row)

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
        row = Chain(
            chat_id=chat_id,
            key=key,
            title=title,
            is_order_list=is_order_list,
            products=[{"name": p.name, "price": p.price, "unit": p.unit} for p in products],
            opened_by=opened_by,
            opened_at=opened_at,
            next_seq=1,
        )
        self.session.add(row)
        self.session.flush()
        return to_chain_ref(row)

    def latest_chain(self, chat_id: str) -> ChainRef | None:
        row = self.session.scalar(
            select(Chain)
            .where(Chain.chat_id == chat_id, Chain.is_order_list.is_(True))
            .order_by(Chain.opened_at.desc(), Chain.id.desc())
            .limit(1)
        )
        return None if row is None else to_chain_ref(row)

    def seen_counts(self, chain_id: int, keys: Collection[str]) -> dict[str, int]:
        by_hash = {line_hash(k): k for k in keys}
        conn = self.session.connection()
        base = select(ChainLine.line_hash, ChainLine.count).where(ChainLine.chain_id == chain_id)
        if len(by_hash) > _IN_LIST_MAX:
            # a repost carries most of its chain: reading the chain's lines beats a long IN list
            rows = conn.execute(base).all()
        else:
            rows = conn.execute(base.where(ChainLine.line_hash.in_(list(by_hash)))).all()
        return {by_hash[digest]: count for digest, count in rows if digest in by_hash}

    def add_seen(self, chain_id: int, counts: Mapping[str, int]) -> None:
        if not counts:
            return
        rows = [
            {"chain_id": chain_id, "line_hash": line_hash(k), "count": n} for k, n in counts.items()
        ]
        self.session.execute(_upsert_max_count(self.session), rows)

    def entries_by_author(self, chain_id: int, author_id: str) -> list[StoredEntry]:
        rows = self.session.scalars(
            select(ChainEntry)
            .where(
                ChainEntry.chain_id == chain_id,
                ChainEntry.author_id == author_id,
                ChainEntry.status == "active",
            )
            .order_by(ChainEntry.seq)
        )
        return [to_stored(r) for r in rows]

    def add_entries(self, chain_id: int, entries: Sequence[NewEntry]) -> list[int]:
        if not entries:
            return []
        chain = self.session.get_one(Chain, chain_id, with_for_update=True)
        first = chain.next_seq
        for offset, entry in enumerate(entries):
            self.session.add(
                ChainEntry(
                    chain_id=chain_id,
                    seq=first + offset,
                    author_id=entry.author_id,
                    line_key=entry.line_key,
                    status="active",
                    flags=list(entry.flags),
                    first_seen_at=entry.seen_at,
                    updated_at=entry.seen_at,
                    **parsed_columns(entry.parsed),
                )
            )
        chain.next_seq = first + len(entries)
        self.session.flush()
        return list(range(first, first + len(entries)))

    def withdraw(self, entry_ids: Collection[int], at: datetime) -> None:
        if entry_ids:
            self.session.execute(
                update(ChainEntry)
                .where(ChainEntry.id.in_(list(entry_ids)))
                .values(status="withdrawn", updated_at=at)
            )

    def replace_entry(
        self, entry_id: int, line_key: str, parsed: ParsedEntry, at: datetime
    ) -> None:
        self.session.execute(
            update(ChainEntry)
            .where(ChainEntry.id == entry_id)
            .values(line_key=line_key, updated_at=at, **parsed_columns(parsed))
        )

    def list_entries(self, chain_id: int) -> list[StoredEntry]:
        rows = self.session.scalars(
            select(ChainEntry).where(ChainEntry.chain_id == chain_id).order_by(ChainEntry.seq)
        )
        return [to_stored(r) for r in rows]

    def all_chains(self) -> list[ChainRef]:
        """Every chain in opening order (replay and the worker page)."""
        rows = self.session.scalars(select(Chain).order_by(Chain.opened_at, Chain.id))
        return [to_chain_ref(r) for r in rows]

    def count_entries(self, chain_id: int) -> int:
        """How many entries the chain holds (withdrawn included)."""
        stmt = select(func.count()).select_from(ChainEntry).where(ChainEntry.chain_id == chain_id)
        return int(self.session.scalar(stmt) or 0)


__all__ = ["SqlChainRepo", "line_hash", "utcnow"]
