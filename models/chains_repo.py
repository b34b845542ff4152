"""SqlChainRepo: the 接龙 ChainRepo Protocol on SQLAlchemy."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, SessionTransaction

from handlers.jielong.repo import (
    RECENT_CHAINS,
    ChainRef,
    NewEntry,
    ParsedEntry,
    Product,
    StoredEntry,
)
from models.base import core_connection, table_of, utcnow
from models.chain import Chain, ChainEntry
from models.chain_lines import read_seen, write_seen
from models.chain_rows import chain_ref, parsed_columns, product_row, stored_entry
from models.seen_cache import SEEN_CACHE, SeenCache, new_token

# Hot paths run Core statements on the session's connection: one merge is a handful of
# statements, and the ORM unit of work (identity map, flush, per-row objects) cost more than
# the SQL itself. The statements are built once, so SQLAlchemy's compiled cache is hit
# without generating a cache key per call.
_chains = table_of(Chain)
_entries = table_of(ChainEntry)

_CHAIN_COLS = (
    _chains.c.id,
    _chains.c.chat_id,
    _chains.c.key,
    _chains.c.title,
    _chains.c.is_order_list,
    _chains.c.products,
    _chains.c.opened_by,
    _chains.c.opened_at,
)
# FOR UPDATE: a repost holds its chain until commit, so two reposts carrying the same new
# line cannot both see it as unseen (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises).
# The chain's lines_token, read under that hold, says whether the cached seen lines are current.
_FIND_CHAIN = (
    select(*_CHAIN_COLS, _chains.c.lines_token)
    .where(_chains.c.chat_id == bindparam("chat_id_"), _chains.c.key == bindparam("key_"))
    .with_for_update()
)
_RECENT_CHAINS = (
    select(*_CHAIN_COLS)
    .where(_chains.c.chat_id == bindparam("chat_id_"), _chains.c.is_order_list.is_(True))
    .order_by(_chains.c.opened_at.desc(), _chains.c.id.desc())
    .limit(RECENT_CHAINS)
)
_ALL_CHAINS = select(*_CHAIN_COLS).order_by(_chains.c.opened_at, _chains.c.id)

_ENTRY_COLS = (
    _entries.c.id,
    _entries.c.chain_id,
    _entries.c.seq,
    _entries.c.author_id,
    _entries.c.line_key,
    _entries.c.status,
    _entries.c.raw,
    _entries.c.building,
    _entries.c.unit,
    _entries.c.room,
    _entries.c.name,
    _entries.c["items"],
    _entries.c.phone,
    _entries.c.note,
    _entries.c.readable,
    _entries.c.flags,
)
# No ORDER BY: with one, SQLite walks the (chain_id, seq) index over the whole chain instead of
# the author index; the author's few rows are sorted in Python.
_BY_AUTHOR = select(*_ENTRY_COLS).where(
    _entries.c.chain_id == bindparam("chain_id_"),
    _entries.c.author_id == bindparam("author_id_"),
    _entries.c.status == "active",
)
_LIST_ENTRIES = (
    select(*_ENTRY_COLS)
    .where(_entries.c.chain_id == bindparam("chain_id_"))
    .order_by(_entries.c.seq)
)
_INSERT_ENTRIES = insert(_entries)
# Reserve the seqs in one statement: the row lock (PostgreSQL) or the write transaction
# (SQLite, BEGIN IMMEDIATE) keeps concurrent reposts of one chain from sharing a seq.
# The same UPDATE stores the transaction's fresh lines_token, so the seen lines written next
# (add_seen) need no UPDATE of their own.
_BUMP_SEQ = (
    update(_chains)
    .where(_chains.c.id == bindparam("chain_id_"))
    .values(
        next_seq=_chains.c.next_seq + bindparam("n_", type_=Integer),
        lines_token=bindparam("token_"),
    )
    .returning(_chains.c.next_seq)
)
_WITHDRAW = (
    update(_entries)
    .where(_entries.c.id.in_(bindparam("ids_", expanding=True)))
    .values(status="withdrawn", updated_at=bindparam("at_"))
)
_COUNT_ENTRIES = (
    select(func.count()).select_from(_entries).where(_entries.c.chain_id == bindparam("chain_id_"))
)


def _create_chain(dialect: str) -> Any:
    """INSERT … ON CONFLICT (chat_id, key) DO NOTHING RETURNING id: None when it already exists."""
    insert_ = pg_insert if dialect == "postgresql" else sqlite_insert
    return (
        insert_(_chains)
        .on_conflict_do_nothing(index_elements=["chat_id", "key"])
        .returning(_chains.c.id)
    )


class SqlChainRepo:
    """ChainRepo on one open Session; the caller owns the transaction.

    A transaction stores at most one fresh lines_token per chain: the first of opening the
    chain, reserving seqs or writing seen lines stores it, and later writes in the same
    transaction reuse it (only the committed state of the lines needs a token of its own).
    No savepoints: a rolled-back savepoint would leave these per-transaction tokens wrong.
    """

    def __init__(self, session: Session, cache: SeenCache = SEEN_CACHE) -> None:
        self.session = session
        self.cache = cache  # this process's seen lines (tests give each "process" its own)
        self._tx: SessionTransaction | None = None
        self._tokens: dict[int, str | None] = {}  # see _held_tokens
        self._stored: dict[int, str] = {}  # fresh tokens self._tx itself stored on chains
        # recent_chains per chat in self._tx: the matchers of one message ask it up to three
        # times (a sentence order, a catalogue correction, a need's product words)
        self._recent: dict[str, list[ChainRef]] = {}

    def _held_tokens(self) -> dict[int, str | None]:
        """The token each chain's cached lines are under in the current transaction (none after
        it ends): read under the chain's hold, or the transaction's own once it wrote the lines."""
        tx = self.session.get_transaction()
        if tx is not self._tx:
            self._tx, self._tokens, self._stored, self._recent = tx, {}, {}, {}
        return self._tokens

    def _stored_tokens(self) -> dict[int, str]:
        """Fresh tokens the current transaction stored on chains (none after it ends)."""
        self._held_tokens()
        return self._stored

    def _conn(self) -> Connection:
        """The transaction's connection, pending ORM changes flushed (models.base)."""
        return core_connection(self.session)

    def find_chain(self, chat_id: str, key: str) -> ChainRef | None:
        row = self._conn().execute(_FIND_CHAIN, {"chat_id_": chat_id, "key_": key}).first()
        if row is None:
            return None
        chain = chain_ref(row[:-1])
        self._held_tokens()[chain.id] = row[-1]
        return chain

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
        token = new_token()
        values = {
            "chat_id": chat_id,
            "key": key,
            "title": title,
            "is_order_list": is_order_list,
            "products": [product_row(p) for p in products],
            "opened_by": opened_by,
            "opened_at": opened_at,
            "next_seq": 1,
            "lines_token": token,
        }
        conn = self._conn()
        self._recent.pop(chat_id, None)
        created = conn.execute(_create_chain(conn.dialect.name), values).scalar()
        if created is None:  # opened at the same moment by another message: use that one
            found = self.find_chain(chat_id, key)
            assert found is not None, "chain vanished after a unique conflict"
            return found
        self._held_tokens()[created] = self._stored_tokens()[created] = token
        return ChainRef(
            created,
            chat_id,
            key,
            title,
            is_order_list,
            tuple(products),
            opened_by,
            opened_at,
        )

    def latest_chain(self, chat_id: str) -> ChainRef | None:
        recent = self.recent_chains(chat_id)
        return recent[0] if recent else None

    def recent_chains(self, chat_id: str) -> list[ChainRef]:
        self._held_tokens()  # a new transaction forgets what the last one found
        if chat_id not in self._recent:
            rows = self._conn().execute(_RECENT_CHAINS, {"chat_id_": chat_id})
            self._recent[chat_id] = [chain_ref(row) for row in rows]
        return self._recent[chat_id]

    def seen_counts(self, chain_id: int, keys: Collection[str]) -> dict[str, int]:
        conn = self._conn()
        return read_seen(conn, chain_id, keys, self._held_tokens().get(chain_id), self.cache)

    def add_seen(self, chain_id: int, counts: Mapping[str, int]) -> None:
        if not counts:
            return
        conn = self._conn()
        tokens, stored = self._held_tokens(), self._stored_tokens()
        fresh = write_seen(
            conn, chain_id, counts, tokens.get(chain_id), self.cache, stored.get(chain_id)
        )
        tokens[chain_id] = stored[chain_id] = fresh

    def entries_by_author(self, chain_id: int, author_id: str) -> list[StoredEntry]:
        params = {"chain_id_": chain_id, "author_id_": author_id}
        rows = sorted(self._conn().execute(_BY_AUTHOR, params), key=itemgetter(2))  # by seq
        return [stored_entry(r) for r in rows]

    def add_entries(self, chain_id: int, entries: Sequence[NewEntry]) -> list[int]:
        if not entries:
            return []
        conn = self._conn()
        n = len(entries)
        stored = self._stored_tokens()
        token = stored[chain_id] = stored.get(chain_id) or new_token()
        params = {"chain_id_": chain_id, "n_": n, "token_": token}
        first: int = conn.execute(_BUMP_SEQ, params).scalar_one() - n
        rows = [
            {
                "chain_id": chain_id,
                "seq": first + offset,
                "author_id": entry.author_id,
                "line_key": entry.line_key,
                "status": "active",
                "flags": list(entry.flags),
                "first_seen_at": entry.seen_at,
                "updated_at": entry.seen_at,
                **parsed_columns(entry.parsed),
            }
            for offset, entry in enumerate(entries)
        ]
        conn.execute(_INSERT_ENTRIES, rows)
        return list(range(first, first + n))

    def withdraw(self, entry_ids: Collection[int], at: datetime) -> None:
        if not entry_ids:
            return
        # Core, not an ORM bulk UPDATE built per call (2.4 → 0.3 ms on the webhook bench);
        # entries the session has loaded (the worker page) are expired to stay in step.
        ids = list(entry_ids)
        self._conn().execute(_WITHDRAW, {"ids_": ids, "at_": at})
        self._expire_loaded(ids)

    def _expire_loaded(self, entry_ids: Collection[int]) -> None:
        """Let loaded ChainEntry objects of these ids be read again after a Core UPDATE."""
        wanted = set(entry_ids)
        for obj in list(self.session.identity_map.values()):
            if isinstance(obj, ChainEntry) and obj.id in wanted:
                self.session.expire(obj)

    def replace_entry(
        self,
        entry_id: int,
        line_key: str,
        parsed: ParsedEntry,
        at: datetime,
        flags: tuple[str, ...] | None = None,
    ) -> None:
        values: dict[str, Any] = {"line_key": line_key, "updated_at": at}
        if flags is not None:
            values["flags"] = list(flags)
        self.session.execute(
            update(ChainEntry)
            .where(ChainEntry.id == entry_id)
            .values(**values, **parsed_columns(parsed))
        )

    def set_products(self, chain_id: int, products: Sequence[Product]) -> None:
        self._recent.clear()
        self.session.execute(
            update(Chain)
            .where(Chain.id == chain_id)
            .values(products=[product_row(p) for p in products])
        )

    def list_entries(self, chain_id: int) -> list[StoredEntry]:
        return [
            stored_entry(r) for r in self._conn().execute(_LIST_ENTRIES, {"chain_id_": chain_id})
        ]

    def all_chains(self) -> list[ChainRef]:
        """Every chain in opening order (replay and the worker page)."""
        return [chain_ref(r) for r in self._conn().execute(_ALL_CHAINS)]

    def count_entries(self, chain_id: int) -> int:
        """How many entries the chain holds (withdrawn included)."""
        return int(self._conn().execute(_COUNT_ENTRIES, {"chain_id_": chain_id}).scalar() or 0)


__all__ = ["SqlChainRepo", "utcnow"]
