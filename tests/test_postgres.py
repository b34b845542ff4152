"""The same code on a real PostgreSQL server (tests/pg.py starts one for the session).

Schema (migration = models), aware UTC, every sample transcript identical to SQLite, 接龙
reposts racing on one chain, outbox claimers racing (SKIP LOCKED) and the scheduler's
advisory lock, in-process and as two `python -m scheduler` processes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from subprocess import PIPE
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.pipeline import process
from bot.replay import BadLine, collect, fresh_database, read_transcript
from handlers.types import Incoming
from models import (
    Base,
    Campaign,
    Chain,
    ChainEntry,
    Chat,
    Community,
    InboxMessage,
    Member,
    Need,
    Notice,
    Order,
    base,
    make_engine,
    make_session_factory,
)
from models.migrate import upgrade_to_head
from models.outbox import claim_due
from scheduler.lock import AdvisoryLock, make_lock
from tests.contract import load_sample, sample_names
from tests.scheduler.test_scheduler_process import ROOT, _start, _wait
from tests.scheduler_support import T0, add_notices

pytestmark = pytest.mark.postgres

SHANGHAI = timezone(timedelta(hours=8))
LEASE = timedelta(minutes=2)


@pytest.fixture
def engine(pg_migrated_url: str) -> Iterator[Engine]:
    """An engine on a fresh database at the newest schema."""
    eng = make_engine(pg_migrated_url)
    yield eng
    eng.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


# --- schema ---------------------------------------------------------------------------------


def test_migration_builds_the_models_schema_on_an_empty_database(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        upgrade_to_head(engine)
        upgrade_to_head(engine)  # at start-up every time: a no-op the second time
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            versions = conn.execute(text("SELECT count(*) FROM alembic_version")).scalar()
    finally:
        engine.dispose()
    assert diff == []
    assert versions == 1


def test_aware_datetime_round_trips_as_utc_whatever_the_session_zone(pg_migrated_url: str) -> None:
    # a server or role configured for Shanghai time must not shift what we read back
    engine = make_engine(f"{pg_migrated_url}?options=-c%20TimeZone%3DAsia%2FShanghai")
    try:
        factory = make_session_factory(engine)
        at = datetime(2022, 4, 12, 20, 0, tzinfo=SHANGHAI)
        with factory.begin() as s:
            s.add(Need(chat_id="g", sender_id="u", text="x", category="物资", created_at=at))
        with factory() as s:
            got = s.scalars(select(Need.created_at)).one()
            zone = s.execute(text("SHOW TimeZone")).scalar()
            stored = s.execute(text("SELECT created_at AT TIME ZONE 'UTC' FROM needs")).scalar()
    finally:
        engine.dispose()
    assert zone == "Asia/Shanghai"
    assert got == at and got.tzinfo is UTC
    assert got < datetime.now(UTC)
    assert stored == datetime(2022, 4, 12, 12, 0)  # timestamptz holds the instant


def test_a_pooled_connection_the_server_dropped_is_replaced_after_idling(
    pg_migrated_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pooled connections are pinged only after sitting idle (not on every checkout); one the
    server has dropped meanwhile (a restart, an idle timeout) is replaced, not an error."""
    engine, admin = make_engine(pg_migrated_url), make_engine(pg_migrated_url)
    try:
        with engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        monkeypatch.setattr(base, "PING_AFTER_IDLE_SECONDS", 0.0)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    finally:
        engine.dispose()
        admin.dispose()


# --- the pipeline on every sample -----------------------------------------------------------


def _run_transcript(factory: sessionmaker[Session], transcript: Path) -> dict[str, Any]:
    """What `python -m bot replay` does, on the given database."""
    for item in read_transcript(transcript.read_text(encoding="utf-8-sig")):
        assert not isinstance(item, BadLine), item
        process(factory, item)
    with factory() as session:
        return collect(session)


@pytest.mark.parametrize("name", sample_names())
def test_sample_gives_the_same_orders_and_needs_as_sqlite(
    name: str, factory: sessionmaker[Session]
) -> None:
    transcript, _expected = load_sample(name)
    on_sqlite = _run_transcript(fresh_database(), transcript)
    on_postgres = _run_transcript(factory, transcript)
    assert on_postgres == on_sqlite
    with factory() as s:  # nothing failed quietly (a handler error is caught and recorded)
        assert (
            s.scalars(select(InboxMessage.error).where(InboxMessage.error.is_not(None))).all() == []
        )


# --- 接龙 reposts racing on one chain --------------------------------------------------------

HEAD = "#接龙\n硕诚农业绿色蔬菜套餐 38元/份\n\n例 3-2-201 王 2份\n\n"
OLD = ["1. 5号楼1单元302 李 1份", "2. 3-2-201 王阿姨 2份"]


def _post(n: int, sender: str, lines: list[str], chat: str = "g1") -> Incoming:
    return Incoming(
        channel="replay",
        msg_id=f"m{n}",
        sender_id=sender,
        chat_id=chat,
        text=HEAD + "\n".join(lines),
        received_at=datetime(2022, 4, 10, 1, 0, n, tzinfo=UTC),
        sender_name=sender,
        is_group=True,
    )


def _entries(factory: sessionmaker[Session]) -> list[tuple[int, int, str, str]]:
    """(chain id, seq, author, raw) of every active entry."""
    with factory() as s:
        rows = s.execute(
            select(ChainEntry.chain_id, ChainEntry.seq, ChainEntry.author_id, ChainEntry.raw)
            .where(ChainEntry.status == "active")
            .order_by(ChainEntry.chain_id, ChainEntry.seq)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _errors(factory: sessionmaker[Session]) -> list[str]:
    with factory() as s:
        return list(s.scalars(select(InboxMessage.error).where(InboxMessage.error.is_not(None))))


def _together(*calls: Callable[[], object]) -> None:
    """Run the calls in threads released at the same moment; re-raise the first failure."""
    barrier = threading.Barrier(len(calls))
    failures: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
        except BaseException as exc:  # reported in the main thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    if failures:
        raise failures[0]


def _lock_waiters(engine: Engine) -> int:
    """Backends of this database waiting for a lock."""
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
        )


def test_simultaneous_reposts_lose_no_entry_and_share_no_seq(
    factory: sessionmaker[Session],
) -> None:
    """Round after round, two residents repost the chain with their own new line at once."""
    process(factory, _post(0, "w_wang", OLD))
    rounds, base = 10, list(OLD)
    for r in range(rounds):
        a, b = f"{3 + 2 * r}. {10 + r}-1-101 甲{r} 1份", f"{4 + 2 * r}. {30 + r}-1-101 乙{r} 2份"
        _together(
            partial(process, factory, _post(10 + 2 * r, f"a{r}", [*base, a])),
            partial(process, factory, _post(11 + 2 * r, f"b{r}", [*base, b])),
        )
        base += [a, b]
    entries = _entries(factory)
    assert _errors(factory) == []
    assert len({chain for chain, *_ in entries}) == 1
    seqs = [seq for _, seq, *_ in entries]
    assert seqs == list(range(1, 2 * rounds + 3))  # every entry, unique and gap-free seqs
    authors = sorted(author for _, _, author, _ in entries)
    want = (
        ["w_wang", "w_wang"] + [f"a{r}" for r in range(rounds)] + [f"b{r}" for r in range(rounds)]
    )
    assert authors == sorted(want)


def test_a_line_in_two_racing_reposts_is_entered_once(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    """甲 reposts with her new line; 乙, who saw it in the group, reposts it with his own line,
    and both messages reach the bot at the same moment. 甲's line must be entered once.

    Deterministic interleaving: a third transaction holds the chain row (as a repost being
    handled would), both reposts start meanwhile; then it lets go.
    """
    process(factory, _post(0, "w_wang", OLD))
    mine = "3. 9-1-101 甲 1份"
    his = "4. 8-2-202 乙 2份"
    with factory() as s:
        chain_id = s.scalars(select(Chain.id)).one()
    holder = engine.connect()
    holder.execute(select(Chain.id).where(Chain.id == chain_id).with_for_update())
    try:
        threads = [
            threading.Thread(target=process, args=(factory, _post(1, "甲", [*OLD, mine]))),
            threading.Thread(target=process, args=(factory, _post(2, "乙", [*OLD, mine, his]))),
        ]
        for t in threads:
            t.start()
        _wait(
            lambda: _lock_waiters(engine) >= 2 or not any(t.is_alive() for t in threads),
            20,
            "both reposts to wait",
        )
    finally:
        holder.rollback()
        holder.close()
    for t in threads:
        t.join(30)
    raws = [raw for *_, raw in _entries(factory)]
    assert _errors(factory) == []
    assert sorted(raws) == sorted(
        ["5号楼1单元302 李 1份", "3-2-201 王阿姨 2份", "9-1-101 甲 1份", "8-2-202 乙 2份"]
    )


def test_two_openings_of_one_chain_at_once_keep_both_entries(
    engine: Engine, factory: sessionmaker[Session]
) -> None:
    """Two residents post the same new 接龙 with their own line at the same moment: one chain,
    both entries. Deterministic: inserts into `chains` wait until both have looked for it."""
    holder = engine.connect()
    holder.execute(text("LOCK TABLE chains IN SHARE ROW EXCLUSIVE MODE"))
    try:
        threads = [
            threading.Thread(target=process, args=(factory, _post(1, "甲", ["1. 9-1-101 甲 1份"]))),
            threading.Thread(target=process, args=(factory, _post(2, "乙", ["1. 8-2-202 乙 2份"]))),
        ]
        for t in threads:
            t.start()
        _wait(lambda: _lock_waiters(engine) >= 2, 20, "both openings to wait")
    finally:
        holder.rollback()
        holder.close()
    for t in threads:
        t.join(30)
    assert _errors(factory) == []
    assert sorted(raw for *_, raw in _entries(factory)) == ["8-2-202 乙 2份", "9-1-101 甲 1份"]


OPEN = (
    "开团：蔬菜套餐\n商品：蔬菜套餐 38元/份 每户限5份\n截单：今晚8点\n到货：明天下午3点\n"
    "取货：社区活动中心\n时段：30分钟 每段20户"
)


def _open_campaign(factory: sessionmaker[Session]) -> None:
    """A community with the group and a worker, who opens a campaign the chain will join."""
    with factory.begin() as s:
        community = Community(name="和平里")
        s.add(community)
        s.flush()
        s.add(Chat(community_id=community.id, channel="replay", external_id="g1", title="1号群"))
        s.add(
            Member(
                community_id=community.id,
                channel="replay",
                external_id="w_li",
                display_name="社区小李",
                role="worker",
            )
        )
    opened = Incoming("replay", "m-open", "w_li", "g1", OPEN, _post(0, "w_li", []).received_at)
    assert "已开团" in (process(factory, opened) or "")


def test_a_repost_aborted_by_a_deadlock_is_handled_again(
    engine: Engine, factory: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    """A repost holds its chain and waits for the campaign, which a worker's transaction holds
    while it waits for the chain. PostgreSQL aborts the repost (40P01); it is run again once
    the worker lets go, and the resident's line becomes an order like any other."""
    _open_campaign(factory)
    process(factory, _post(1, "w_wang", OLD))
    mine = "3. 9-1-101 甲 1份"
    holder = engine.connect()
    holder.exec_driver_sql("SET deadlock_timeout = '10s'")  # the repost detects it first
    holder.execute(select(Campaign.id).with_for_update())
    repost = threading.Thread(target=process, args=(factory, _post(2, "甲", [*OLD, mine])))
    try:
        repost.start()
        _wait(lambda: _lock_waiters(engine) >= 1, 20, "the repost to wait for the campaign")
        holder.execute(select(Chain.id).with_for_update())  # the cycle: the repost is aborted
    finally:
        holder.rollback()
        holder.close()
    repost.join(30)
    assert _errors(factory) == []
    assert "甲" in [author for _, _, author, _ in _entries(factory)]
    with factory() as s:
        assert s.scalars(select(Order.sender_id).order_by(Order.no)).all() == [
            "w_wang",
            "w_wang",
            "甲",
        ]
    assert any("retrying" in r.getMessage() and "40P01" in r.getMessage() for r in caplog.records)


# --- outbox: claimers racing ----------------------------------------------------------------


def test_concurrent_claimers_never_claim_one_notice_twice(factory: sessionmaker[Session]) -> None:
    ids = add_notices(factory, 300)
    claimed: list[list[int]] = [[], []]

    def drain(mine: list[int]) -> None:
        while batch := claim_due(factory, ["sim"], T0, LEASE, limit=7):
            mine.extend(c.id for c in batch)

    _together(lambda: drain(claimed[0]), lambda: drain(claimed[1]))
    together = claimed[0] + claimed[1]
    assert len(together) == len(set(together))  # nobody claimed a notice twice
    assert sorted(together) == ids
    assert claimed[0] and claimed[1]  # both really worked at once


def test_claim_skips_rows_another_sender_holds_instead_of_waiting(pg_migrated_url: str) -> None:
    # lock_timeout: were SKIP LOCKED not rendered, the claim would fail fast instead of hanging
    engine = make_engine(f"{pg_migrated_url}?options=-c%20lock_timeout%3D5000")
    factory = make_session_factory(engine)
    try:
        ids = add_notices(factory, 10)
        holder = engine.connect()
        holder.execute(select(Notice.id).where(Notice.id.in_(ids[:4])).with_for_update())
        try:
            first = claim_due(factory, ["sim"], T0, LEASE)
        finally:
            holder.rollback()
            holder.close()
        second = claim_due(factory, ["sim"], T0, LEASE)
    finally:
        engine.dispose()
    assert [c.id for c in first] == ids[4:]
    assert [c.id for c in second] == ids[:4]


# --- scheduler: one instance at a time (advisory lock) --------------------------------------


def _backend_state(engine: Engine, pid: int) -> str | None:
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT state FROM pg_stat_activity WHERE pid = :p"), {"p": pid}
        ).scalar()


def test_advisory_lock_admits_one_scheduler_and_passes_on_release(pg_migrated_url: str) -> None:
    first_engine, second_engine = make_engine(pg_migrated_url), make_engine(pg_migrated_url)
    try:
        first = make_lock(first_engine, make_session_factory(first_engine), LEASE)
        second = make_lock(second_engine, make_session_factory(second_engine), LEASE)
        assert isinstance(first, AdvisoryLock) and isinstance(second, AdvisoryLock)
        assert first.acquire()
        assert not second.acquire()  # the second copy stays idle
        assert first.renew()
        assert first.conn is not None
        pid = first.conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        first.conn.commit()
        assert second.holder() == f"backend pid {pid}"
        first.release()
        assert second.acquire()
        second.release()
    finally:
        first_engine.dispose()
        second_engine.dispose()


def test_advisory_lock_dies_with_its_connection(pg_migrated_url: str) -> None:
    first_engine, second_engine = make_engine(pg_migrated_url), make_engine(pg_migrated_url)
    try:
        first, second = AdvisoryLock(first_engine), AdvisoryLock(second_engine)
        assert first.acquire() and first.conn is not None
        pid = first.conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        first.conn.commit()
        with second_engine.connect() as conn:  # the holder's process dies: its backend ends
            conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        _wait(lambda: _backend_state(second_engine, pid) is None, 10, "the backend to end")
        assert not first.renew()  # the holder notices it lost the lock
        assert second.acquire()
        second.release()
        first.conn.invalidate()  # the dead connection is not put back in the pool
    finally:
        first_engine.dispose()
        second_engine.dispose()


def test_holding_the_lock_keeps_no_transaction_open(pg_migrated_url: str) -> None:
    """The lock's connection lives for days: left `idle in transaction` it would pin the
    oldest snapshot (VACUUM cannot clean up) and die under idle_in_transaction_session_timeout."""
    engine = make_engine(pg_migrated_url)
    lock = AdvisoryLock(engine)
    try:
        assert lock.acquire() and lock.conn is not None
        pid = lock.conn.execute(text("SELECT pg_backend_pid()")).scalar()
        lock.conn.commit()
        assert isinstance(pid, int)
        assert _backend_state(engine, pid) == "idle"
        assert lock.renew()
        assert _backend_state(engine, pid) == "idle"
    finally:
        lock.release()
        engine.dispose()


def test_second_scheduler_process_idles_then_takes_over_a_killed_one(
    pg_migrated_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        f'log_level = "INFO"\n[database]\nurl = "{pg_migrated_url}"\n'
        '[wecom]\nenabled = true\napi_base_url = "http://127.0.0.1:9"\n'
        "[scheduler]\npush_seconds = 0.2\nlease_seconds = 3\nlock_seconds = 3\n",
        encoding="utf-8",
    )
    log_a, log_b = tmp_path / "a.log", tmp_path / "b.log"
    a = _start(config, log_a)
    try:
        _wait(lambda: "lock taken" in log_a.read_text(), 30, "first copy to take the lock")
        b = _start(config, log_b)
        try:
            _wait(lambda: "staying idle" in log_b.read_text(), 30, "second copy to idle")
            assert "lock taken" not in log_b.read_text()
            a.send_signal(signal.SIGKILL)  # no clean release: the lock goes with the connection
            a.wait(10)
            _wait(lambda: "lock taken" in log_b.read_text(), 30, "second copy to take over")
        finally:
            b.send_signal(signal.SIGTERM)
            assert b.wait(10) == 0
    finally:
        a.kill()
        a.wait()


MIGRATE = (
    "import sys; from models.base import make_engine; from models.migrate import upgrade_to_head;"
    " upgrade_to_head(make_engine(sys.argv[1]))"
)


def test_two_processes_starting_at_once_both_migrate(pg_url: str) -> None:
    """The scheduler and its standby copy start together on a new database and both run the
    migration at start-up. Deterministic: both find no schema while a third transaction holds
    the name `alembic_version`; then it lets go."""
    engine = make_engine(pg_url)
    holder = engine.connect()
    holder.execute(text("CREATE TABLE alembic_version (version_num varchar(32) NOT NULL)"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-c", MIGRATE, pg_url], cwd=ROOT, env=env, stderr=PIPE)
        for _ in range(2)
    ]
    try:
        _wait(lambda: _lock_waiters(engine) >= 2, 30, "both migrations to wait")
    finally:
        holder.rollback()
        holder.close()
    errors = [p.communicate(timeout=60)[1].decode(errors="replace") for p in procs]
    try:
        assert [p.returncode for p in procs] == [0, 0], "\n".join(errors)[-3000:]
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    finally:
        engine.dispose()
