"""The scheduler as a process: a second copy stays idle; kill -9 mid fan-out loses nothing."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from models import Chat, Notice
from models.base import make_engine, make_session_factory
from models.migrate import upgrade_to_head
from tests.fake_tencent import FakeTencent, serve_fake_tencent
from tests.scheduler_support import T0

ROOT = Path(__file__).resolve().parents[2]


def _config(tmp_path: Path, base: str, db: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'log_level = "INFO"\n[database]\nurl = "sqlite:///{db}"\n'
        f'[wecom]\nenabled = true\napi_base_url = "{base}"\n'
        "[scheduler]\npush_seconds = 0.2\nlease_seconds = 3\nlock_seconds = 3\n",
        encoding="utf-8",
    )
    return path


def _start(config: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("wb") as err:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "scheduler", "--config", str(config)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )


def _wait(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def _db(tmp_path: Path) -> tuple[Path, sessionmaker[Session]]:
    db = tmp_path / "proc.db"
    engine = make_engine(f"sqlite:///{db}")
    upgrade_to_head(engine)
    return db, make_session_factory(engine)


def test_second_copy_stays_idle_and_takes_over(tmp_path: Path) -> None:
    db, _factory = _db(tmp_path)
    config = _config(tmp_path, "http://127.0.0.1:9", db)
    log_a, log_b = tmp_path / "a.log", tmp_path / "b.log"
    a = _start(config, log_a)
    try:
        _wait(lambda: "lock taken" in log_a.read_text(), 30, "first copy to take the lock")
        b = _start(config, log_b)
        try:
            _wait(lambda: "staying idle" in log_b.read_text(), 30, "second copy to idle")
            a.send_signal(signal.SIGTERM)
            assert a.wait(10) == 0
            _wait(lambda: "lock taken" in log_b.read_text(), 30, "second copy to take over")
        finally:
            b.send_signal(signal.SIGTERM)
            b.wait(10)
    finally:
        a.kill()
        a.wait()


def test_crash_mid_fanout_loses_nothing_and_repeats_only_in_flight(tmp_path: Path) -> None:
    db, factory = _db(tmp_path)
    groups, per_group = 20, 100
    with factory.begin() as s:
        for g in range(groups):
            s.add(Chat(channel="wecom_robot", external_id=f"g{g}", webhook_url=f"key{g}"))
        s.add_all(
            Notice(
                channel="wecom_robot",
                target=f"g{i % groups}",
                kind="reminder",
                text=f"R{i:04d} {i}号楼 请于15:00–15:30到社区活动中心领取「鸡蛋」",
                dedupe_key=f"reminder:{i}:0",
                not_before_at=T0,
            )
            for i in range(groups * per_group)
        )
    total = groups * per_group
    robots = {f"key{g}": {f"g{g}"} for g in range(groups)}
    with serve_fake_tencent(FakeTencent(latency=0.03, robot_chats=robots)) as (base, fake):
        config = _config(tmp_path, base, db)
        proc = _start(config, tmp_path / "run1.log")
        _wait(lambda: _delivered(fake) >= total // 2, 60, "half the reminders")
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with factory() as s:
            in_flight = {
                int(t[1:5])
                for t in s.scalars(select(Notice.text).where(Notice.status == "sending"))
            }
        at_kill = _delivered(fake)
        proc = _start(config, tmp_path / "run2.log")
        try:
            _wait(lambda: _sent(factory) == total, 90, "every reminder after restart")
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(10)
        counts = Counter(int(m) for m in _lines(fake))
    duplicates = {i for i, c in counts.items() if c > 1}
    print(
        f"\ncrash test: {total} reminders, {at_kill} delivered when killed, "
        f"{len(in_flight)} in flight (claimed), {len(duplicates)} duplicated, "
        f"{len(fake.robot)} robot messages, {len(fake.robot_rejected)} rejected"
    )
    assert set(counts) == set(range(total))  # every reminder delivered
    assert duplicates <= in_flight  # only in-flight ones may repeat
    assert fake.robot_rejected == []


def _lines(fake: FakeTencent) -> list[str]:
    with fake.lock:
        posts = list(fake.robot)
    return [m for p in posts for m in re.findall(r"R(\d{4}) ", p["markdown"]["content"])]


def _delivered(fake: FakeTencent) -> int:
    return len(_lines(fake))


def _sent(factory: sessionmaker[Session]) -> int:
    with factory() as s:
        return s.scalar(select(func.count(Notice.id)).where(Notice.status == "sent")) or 0


def test_routine_job_runs_leave_the_log_quiet(tmp_path: Path) -> None:
    """The inbox sweep runs every 2 s: no line per run, while the lock and its holder still show."""
    db, _factory = _db(tmp_path)
    config = _config(tmp_path, "http://127.0.0.1:9", db)
    log = tmp_path / "quiet.log"
    proc = _start(config, log)
    try:
        _wait(lambda: "lock taken" in log.read_text(), 30, "the lock")
        time.sleep(2.5)  # the sweep ran at start and once more
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
    text = log.read_text()
    assert "Running job" not in text and "executed successfully" not in text, text


def test_a_failing_job_is_still_logged(caplog: pytest.LogCaptureFixture) -> None:
    """Run through the executors' own run_job (what the thread pool calls), no thread races."""
    from apscheduler.executors.base import run_job
    from apscheduler.job import Job
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.date import DateTrigger

    from scheduler.__main__ import quiet_routine_job_logs

    def broken() -> None:
        raise RuntimeError("outbox unreachable")

    quiet_routine_job_logs()
    job = Job(
        BackgroundScheduler(),
        id="outbox",
        func=broken,
        trigger=DateTrigger(),
        executor="default",
        args=(),
        kwargs={},
        name="push_due_notices",
        misfire_grace_time=None,
        coalesce=True,
        max_instances=1,
        next_run_time=None,
    )
    with caplog.at_level(logging.INFO):
        run_job(job, "default", [datetime.now(UTC)], "apscheduler.executors.default")
    failed = [r for r in caplog.records if "raised an exception" in r.getMessage()]
    assert failed and failed[0].levelno == logging.ERROR
    assert not [r for r in caplog.records if "Running job" in r.getMessage()]
