"""The process cache of a chain's seen lines never makes a line new twice, nor loses one.

A repost carries the whole chain, so the SQL repository keeps each chain's seen lines in memory
(models/seen_cache.py), trusted only under the chain's current `lines_token`. These tests drive
the real merge on SQLite and on PostgreSQL through the situations where a naive cache would be
wrong: a transaction that rolls back, a second web worker (a second cache) writing the same
chain, a 1:1 order written without holding the chain, a chain from before the token existed.
Chains here are long (more than IN_LIST_MAX lines), where the cache is used.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, event, select, update
from sqlalchemy.orm import Session, sessionmaker

from handlers.jielong.merge import MergeResult, merge_post
from handlers.jielong.post import parse_jielong
from handlers.jielong.repo import NewEntry, ParsedEntry
from models import Chain, ChainLine
from models.chain_lines import IN_LIST_MAX, line_hash
from models.chains_repo import SqlChainRepo
from models.seen_cache import SeenCache

CHAT = "g-cache"
HEADER = "#接龙\n东北大米 45元/袋\n周二晚8点截单\n"
T0 = datetime(2022, 4, 10, 1, 0, tzinfo=UTC)
OLD = [f"{i}. {i % 20 + 1}-1-{100 + i} 住户{i} 1袋" for i in range(1, IN_LIST_MAX + 11)]
X = f"{len(OLD) + 1}. 9-9-909 小赵 2袋"
Y = f"{len(OLD) + 2}. 8-8-808 小钱 1袋"


def merge(
    db_factory: sessionmaker[Session], cache: SeenCache, sender: str, lines: list[str], k: int
) -> MergeResult:
    """One repost, merged and committed by the "process" that owns `cache`."""
    post = parse_jielong(HEADER + "\n".join(lines))
    assert post is not None
    with db_factory.begin() as session:
        return merge_post(SqlChainRepo(session, cache), CHAT, sender, post, T0 + timedelta(k))


def raws(db_factory: sessionmaker[Session]) -> list[str]:
    """The chain's active entries as a worker's list shows them (raw text, in order)."""
    with db_factory() as session:
        repo = SqlChainRepo(session, SeenCache())
        chain = repo.latest_chain(CHAT)
        assert chain is not None
        return [e.parsed.raw for e in repo.list_entries(chain.id) if e.status == "active"]


def body(line: str) -> str:
    return line.split(". ", 1)[1]


def keys_of(line: str) -> tuple[str, str]:
    """The merge's keys for the chain (its title) and for a line of it."""
    post = parse_jielong(HEADER + line)
    assert post is not None
    return post.key, post.lines[-1].key


def assert_cache_is_storage(db_factory: sessionmaker[Session], cache: SeenCache) -> None:
    """What the cache holds under the chain's committed token is exactly its chain_lines."""
    with db_factory() as session:
        chain_id, token = session.execute(select(Chain.id, Chain.lines_token)).one()
        rows = session.execute(select(ChainLine.line_hash, ChainLine.count)).all()
    assert cache.get(chain_id, token) == dict(rows)


@contextmanager
def chain_updates(db_factory: sessionmaker[Session]) -> Iterator[list[str]]:
    """The UPDATEs of `chains` run on the db_factory's engine inside the block."""
    engine = db_factory.kw["bind"]
    assert isinstance(engine, Engine)
    seen: list[str] = []

    def record(_c: object, _cur: object, statement: str, *_rest: object) -> None:
        if statement.lstrip().startswith("UPDATE chains"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_repost_after_the_first_is_answered_without_reading_the_chain_lines(
    db_factory: sessionmaker[Session],
) -> None:
    cache = SeenCache()
    merge(db_factory, cache, "u1", OLD, 1)
    reads: list[str] = []
    engine = db_factory.kw["bind"]
    assert isinstance(engine, Engine)

    def count_reads(_c: object, _cur: object, statement: str, *_rest: object) -> None:
        if statement.lstrip().startswith("SELECT chain_lines"):
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", count_reads)
    try:
        result = merge(db_factory, cache, "u2", [*OLD, X], 2)
    finally:
        event.remove(engine, "before_cursor_execute", count_reads)
    assert [a.entry.parsed.raw for a in result.added] == [body(X)]
    assert reads == []


def test_a_repost_stores_one_token_and_files_its_lines_under_it(
    db_factory: sessionmaker[Session],
) -> None:
    """Reserving the new line's seq stores the fresh token; the lines written after are filed
    under it, with no second UPDATE of the chain."""
    cache = SeenCache()
    merge(db_factory, cache, "u1", OLD, 1)
    merge(db_factory, cache, "u2", [*OLD, X], 2)  # from here on the cache holds the chain
    with chain_updates(db_factory) as updates:
        result = merge(db_factory, cache, "u3", [*OLD, X, Y], 3)
    assert [a.entry.parsed.raw for a in result.added] == [body(Y)]
    assert len(updates) == 1 and "lines_token" in updates[0] and "next_seq" in updates[0]
    assert_cache_is_storage(db_factory, cache)


def test_lines_and_seqs_written_in_any_order_share_the_transaction_token(
    db_factory: sessionmaker[Session],
) -> None:
    """Lines, then seqs, then lines again in one transaction: one fresh token, stored, and the
    cache under it is what storage holds; the next repost is answered from the cache."""
    cache = SeenCache()
    merge(db_factory, cache, "u1", OLD, 1)
    merge(db_factory, cache, "u2", OLD, 2)
    with db_factory() as session:
        before = session.execute(select(Chain.lines_token)).scalar_one()
    (chain_key, x), (_, y) = keys_of(X), keys_of(Y)
    with db_factory.begin() as session:
        repo = SqlChainRepo(session, cache)
        chain = repo.find_chain(CHAT, chain_key)
        assert chain is not None
        repo.add_seen(chain.id, {x: 1})
        repo.add_entries(chain.id, [NewEntry("u3", x, ParsedEntry(raw=body(X)), T0)])
        repo.add_seen(chain.id, {y: 2})
    with db_factory() as session:
        after = session.execute(select(Chain.lines_token)).scalar_one()
    assert after != before
    assert_cache_is_storage(db_factory, cache)
    seen = cache.get(chain.id, after)
    assert seen is not None and seen[line_hash(y)] == 2
    result = merge(db_factory, cache, "u4", [*OLD, X, Y, Y, Y], 4)
    assert [a.entry.parsed.raw for a in result.added] == [body(Y)]  # the third copy only
    assert_cache_is_storage(db_factory, cache)


def test_a_rolled_back_repost_leaves_its_line_new(db_factory: sessionmaker[Session]) -> None:
    """X's repost fails after merging (the transaction rolls back): X was never stored, so the
    next repost carrying X must add it, although this process once filed X as seen."""
    cache = SeenCache()
    merge(db_factory, cache, "u1", OLD, 1)
    post = parse_jielong(HEADER + "\n".join([*OLD, X]))
    assert post is not None
    with db_factory() as session:
        added = merge_post(SqlChainRepo(session, cache), CHAT, "u2", post, T0 + timedelta(2))
        assert len(added.added) == 1
        session.rollback()
    result = merge(db_factory, cache, "u2", [*OLD, X], 3)  # the message handled again
    assert [a.entry.parsed.raw for a in result.added] == [body(X)]
    assert raws(db_factory) == [body(ln) for ln in [*OLD, X]]


def test_a_line_another_worker_stored_is_not_new_here(db_factory: sessionmaker[Session]) -> None:
    """Two web workers (two caches): B stores X; A's next repost carrying X adds only Y."""
    a, b = SeenCache(), SeenCache()
    merge(db_factory, a, "u1", OLD, 1)
    merge(db_factory, b, "u2", [*OLD, X], 2)
    result = merge(db_factory, a, "u3", [*OLD, X, Y], 3)
    assert [a.entry.parsed.raw for a in result.added] == [body(Y)]
    assert raws(db_factory) == [body(ln) for ln in [*OLD, X, Y]]


def test_a_line_seen_without_holding_the_chain_still_counts(
    db_factory: sessionmaker[Session],
) -> None:
    """A 1:1 order is recorded through latest_chain (no token read): the cached copy is dropped
    and the line, reposted later in the chain, is not new again."""
    cache = SeenCache()
    merge(db_factory, cache, "u1", OLD, 1)
    post = parse_jielong(HEADER + "\n".join([*OLD, X]))
    assert post is not None
    key = post.lines[-1].key
    with db_factory.begin() as session:
        repo = SqlChainRepo(session, cache)
        chain = repo.latest_chain(CHAT)
        assert chain is not None
        assert repo.seen_counts(chain.id, [key]) == {}
        repo.add_seen(chain.id, {key: 1})
    result = merge(db_factory, cache, "u1", [*OLD, X], 2)
    assert result.added == []


def test_a_chain_from_before_the_token_is_read_from_storage_then_cached(
    db_factory: sessionmaker[Session],
) -> None:
    cache = SeenCache()
    merge(db_factory, cache, "u1", OLD, 1)
    with db_factory.begin() as session:  # as migration 0002 leaves an existing chain
        session.execute(update(Chain).values(lines_token=None))
    other = SeenCache()
    result = merge(db_factory, other, "u2", [*OLD, X], 2)
    assert [a.entry.parsed.raw for a in result.added] == [body(X)]
    assert merge(db_factory, other, "u3", [*OLD, X], 3).added == []
    with db_factory() as session:
        chain_id, token = session.execute(select(Chain.id, Chain.lines_token)).one()
    assert token is not None
    assert other.get(chain_id, token) is not None


def test_cache_keeps_the_most_recent_chains_only() -> None:
    cache = SeenCache(max_chains=2)
    for chain_id in (1, 2, 3):
        cache.put(chain_id, f"t{chain_id}", {"h": chain_id})
    assert cache.get(1, "t1") is None
    assert cache.get(3, "t3") == {"h": 3}


def test_cache_answers_only_under_the_token_it_was_filed_with() -> None:
    cache = SeenCache()
    cache.put(7, "t1", {"a": 1})
    assert cache.get(7, None) is None
    assert cache.get(7, "t0") is None
    cache.raise_counts(7, "t1", "t2", {"a": 1, "b": 2})
    assert cache.get(7, "t1") is None
    assert cache.get(7, "t2") == {"a": 1, "b": 2}
    cache.raise_counts(7, "stale", "t3", {"c": 1})  # not a copy of t2: dropped, not patched
    assert cache.get(7, "t3") is None
    assert cache.get(7, "t2") is None
