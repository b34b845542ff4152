"""Fan-out bench: enqueueing 10,000 reminders, and the sender's overhead per message.

Prints, never asserts. Baselines are measured in the same run on the same machine: a bare
channel call loop, and one bare UPDATE transaction per row (the least a durable outbox pays).
Run: .venv/bin/python bench/fanout.py [count]   (default 10,000: about 25 s on 2 cores; the
reminder job prefetches per batch, so its share is a couple of seconds of that)
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from bot.channels import FakeChannel, Message
from bot.config import DEFAULT_ZONE, SchedulerSettings
from models import Base, Campaign, Chat, Household, Order, make_engine
from models.base import make_session_factory
from models.notices import queue_notice
from scheduler.jobs import queue_campaign_notices
from scheduler.sender import push_due_notices

T0 = datetime(2022, 4, 12, 6, 0, tzinfo=UTC)


def fresh(tmp: Path, name: str) -> sessionmaker[Session]:
    engine = make_engine(f"sqlite:///{tmp / name}")
    Base.metadata.create_all(engine)
    return make_session_factory(engine)


def timed(label: str, func: object, count: int) -> float:
    start = time.perf_counter()
    func()  # type: ignore[operator]
    elapsed = time.perf_counter() - start
    print(f"{label:<52} {elapsed:8.3f} s   {elapsed / count * 1e6:9.1f} µs/msg")
    return elapsed


def enqueue_direct(factory: sessionmaker[Session], count: int) -> None:
    with factory.begin() as s:
        for i in range(count):
            queue_notice(
                s,
                "sim",
                f"g{i % 50}",
                f"提醒 {i}",
                f"reminder:{i}:0",
                kind="reminder",
                not_before_at=T0,
                expires_at=T0 + timedelta(hours=1),
            )


def seed_orders(factory: sessionmaker[Session], count: int) -> None:
    with factory.begin() as s:
        s.add(Chat(channel="sim", external_id="g1"))
        camp = Campaign(chat_id="g1", title="鸡蛋", created_by="w", pickup_point="活动中心")
        s.add(camp)
        s.flush()
        households = [Household(building=str(i // 100), room=str(i % 100)) for i in range(count)]
        s.add_all(households)
        s.flush()
        s.add_all(
            Order(
                campaign_id=camp.id,
                household_id=h.id,
                status="ready",
                no=i,
                slot_start_at=T0 + timedelta(minutes=20),
                pickup_code="A1",
            )
            for i, h in enumerate(households)
        )


def bare_updates(factory: sessionmaker[Session], count: int) -> None:
    for i in range(1, count + 1):
        with factory.begin() as s:
            s.execute(text("UPDATE notices SET status='sent' WHERE id=:i"), {"i": i})


DEFAULT_COUNT = 10_000


def main(count: int = DEFAULT_COUNT) -> None:
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        print(f"fan-out bench, {count} reminders, SQLite WAL in {tmp}")
        direct = fresh(tmp, "direct.db")
        timed(
            "enqueue via queue_notice (one transaction)",
            lambda: enqueue_direct(direct, count),
            count,
        )
        job = fresh(tmp, "job.db")
        seed_orders(job, count)
        timed(
            "enqueue via queue_slot_reminders job (from orders)",
            lambda: queue_campaign_notices(job, T0, SchedulerSettings(), DEFAULT_ZONE),
            count,
        )
        fake = FakeChannel()
        call = timed(
            "baseline: bare channel.send loop",
            lambda: [fake.send(Message("g", "x")) for _ in range(count)],
            count,
        )
        bare = timed(
            "baseline: one bare UPDATE transaction per message",
            lambda: bare_updates(direct, count),
            count,
        )
        singles = fresh(tmp, "singles.db")
        enqueue_direct_text(singles, count)
        sender = FakeChannel()
        total = timed(
            "push_due_notices, one message per notice",
            lambda: push_due_notices(singles, {"sim": sender}, T0),
            count,
        )
        overhead = (total - call) / count
        print(
            f"sender overhead beyond the channel call: {overhead * 1e6:.1f} µs/msg; "
            f"× {total / bare:.2f} of the bare-UPDATE baseline, "
            f"× {total / max(call, 1e-9):.0f} of the bare channel call"
        )
        print(f"messages sent: {len(sender.sent)}")
    print(f"bench total (with seeding): {time.perf_counter() - began:.1f} s")


def enqueue_direct_text(factory: sessionmaker[Session], count: int) -> None:
    with factory.begin() as s:
        for i in range(count):
            queue_notice(s, "sim", f"g{i % 50}", f"通知 {i}", f"n:{i}", not_before_at=T0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_COUNT)
