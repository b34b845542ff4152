"""The multiset of lines a chain has seen (`chain_lines`), read through the process cache.

`read_seen` answers "how many copies of each of these lines has the chain seen?"; `write_seen`
raises those counts, the chain having a fresh `lines_token` stored in the same transaction. The
token is what lets `models.seen_cache` answer from memory (see there for why that is never
wrong).
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, case, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from models.base import table_of
from models.chain import Chain, ChainLine
from models.seen_cache import SEEN_CACHE, SeenCache, new_token

IN_LIST_MAX = 50  # more keys than this: read the chain's lines instead of a long IN list

_chains = table_of(Chain)
_lines = table_of(ChainLine)
_SEEN_ALL = select(_lines.c.line_hash, _lines.c.count).where(
    _lines.c.chain_id == bindparam("chain_id_")
)
_SEEN_SOME = _SEEN_ALL.where(_lines.c.line_hash.in_(bindparam("hashes_", expanding=True)))
_SET_TOKEN = (
    update(_chains)
    .where(_chains.c.id == bindparam("chain_id_"))
    .values(lines_token=bindparam("token_"))
)
_UPSERTS: dict[str, Any] = {}
DIGESTS_MAX = 1 << 16
_DIGESTS: dict[str, str] = {}  # line key → line_hash(key)


def line_hash(key: str) -> str:
    """Fixed-size key for a normalised line (lines may be long; the index stays small).

    Memoised: every repost repeats the lines of the one before, so a hit costs one dict lookup
    (`read_seen` looks in `_DIGESTS` itself, without the call).
    """
    digest = _DIGESTS.get(key)
    if digest is None:
        if len(_DIGESTS) >= DIGESTS_MAX:
            _DIGESTS.clear()  # a bound, not an LRU: refilling costs one sha1 per line
        digest = _DIGESTS[key] = hashlib.sha1(key.encode("utf-8")).hexdigest()
    return digest


def read_seen(
    conn: Connection,
    chain_id: int,
    keys: Collection[str],
    token: str | None,
    cache: SeenCache = SEEN_CACHE,
) -> dict[str, int]:
    """Copies seen of each key (absent: never seen).

    `token` is the chain's `lines_token` read while holding the chain in this transaction, or
    None when the caller does not hold it (then storage is asked and nothing is cached).
    """
    counts = cache.get(chain_id, token)
    if counts is None and len(keys) > IN_LIST_MAX:
        # a repost carries most of its chain: read all of it once, keep it for the next repost
        counts = {h: n for h, n in conn.execute(_SEEN_ALL, {"chain_id_": chain_id})}
        if token is not None:
            cache.put(chain_id, token, counts)
    if counts is None:
        by_hash = {line_hash(k): k for k in keys}
        params = {"chain_id_": chain_id, "hashes_": list(by_hash)}
        return {by_hash[digest]: n for digest, n in conn.execute(_SEEN_SOME, params)}
    digest, seen = _DIGESTS.get, counts.get
    return {k: n for k in keys if (n := seen(digest(k) or line_hash(k), 0))}


def write_seen(
    conn: Connection,
    chain_id: int,
    counts: Mapping[str, int],
    token: str | None,
    cache: SeenCache = SEEN_CACHE,
    stored: str | None = None,
) -> str:
    """Raise the chain's counts to at least `counts` and file them under a fresh token; return it.

    `token` is the one the caller read (None: unknown, the cached copy is dropped). `stored` is
    a fresh token this same transaction already stored on the chain (reserving seqs does, in the
    same UPDATE): the counts are filed under it and no second UPDATE is needed. Without it a
    new token is stored here.
    """
    raised = {line_hash(k): n for k, n in counts.items()}
    rows = [{"chain_id": chain_id, "line_hash": h, "count": n} for h, n in raised.items()]
    conn.execute(_upsert_max_count(conn.dialect.name), rows)
    fresh = stored
    if fresh is None:
        fresh = new_token()
        conn.execute(_SET_TOKEN, {"chain_id_": chain_id, "token_": fresh})
    cache.raise_counts(chain_id, token, fresh, raised)
    return fresh


def _upsert_max_count(dialect: str) -> Any:
    """INSERT … ON CONFLICT DO UPDATE SET count = max(old, new): one statement for many lines."""
    stmt = _UPSERTS.get(dialect)
    if stmt is None:
        base = (pg_insert if dialect == "postgresql" else sqlite_insert)(_lines)
        bigger = case(
            (base.excluded.count > _lines.c.count, base.excluded.count), else_=_lines.c.count
        )
        stmt = _UPSERTS[dialect] = base.on_conflict_do_update(
            index_elements=["chain_id", "line_hash"], set_={"count": bigger}
        )
    return stmt
