"""The outbox protocol: leases, backoff with full jitter, dead letters, skipping, concurrency."""

from __future__ import annotations

import random
import threading
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels import ChannelError, FakeChannel, PermanentError, SimChannel
from models import Notice
from models.outbox import DEAD, PENDING, SENT, SKIPPED, RetryPolicy, claim_due, dead_letters
from scheduler.sender import OutboxOptions, push_due_notices
from tests.scheduler_support import T0, add_notices, make_factory

LEASE = timedelta(minutes=2)


def rows(factory: sessionmaker[Session]) -> list[Notice]:
    with factory() as s:
        return list(s.scalars(select(Notice).order_by(Notice.id)))


def test_claim_leases_rows_and_a_lapsed_lease_is_claimed_again(tmp_path: Path) -> None:
    factory = make_factory(tmp_path)
    add_notices(factory, 3)
    assert len(claim_due(factory, ["sim"], T0, LEASE)) == 3
    assert claim_due(factory, ["sim"], T0 + timedelta(seconds=10), LEASE) == []
    again = claim_due(factory, ["sim"], T0 + LEASE + timedelta(seconds=1), LEASE)
    assert [c.attempts for c in again] == [2, 2, 2]


def test_sim_delivery_is_marking_sent(tmp_path: Path) -> None:
    factory = make_factory(tmp_path)
    add_notices(factory, 2, not_before_at=T0 + timedelta(minutes=5))
    assert push_due_notices(factory, {"sim": SimChannel()}, T0) == 0
    assert push_due_notices(factory, {"sim": SimChannel()}, T0 + timedelta(minutes=5)) == 2
    assert {r.status for r in rows(factory)} == {SENT}


def test_failures_back_off_with_full_jitter_then_dead_letter(tmp_path: Path) -> None:
    factory = make_factory(tmp_path)
    [notice_id] = add_notices(factory, 1)
    policy = RetryPolicy(max_attempts=4, base_seconds=10, cap_seconds=25)
    fake = FakeChannel(errors=[ChannelError(-1, "busy") for _ in range(4)])
    now, seen = T0, []
    for attempt in range(1, 5):
        push_due_notices(factory, {"sim": fake}, now, OutboxOptions(policy), random.Random(attempt))
        row = rows(factory)[0]
        assert row.attempts == attempt
        if attempt < 4:
            delay = (row.not_before_at - now).total_seconds()
            assert row.status == PENDING and 0 <= delay <= min(25, 10 * 2 ** (attempt - 1))
            seen.append(delay)
            now = row.not_before_at
    assert rows(factory)[0].status == DEAD and "busy" in (rows(factory)[0].last_error or "")
    with factory() as s:
        assert [n.id for n in dead_letters(s)] == [notice_id]
    assert len(set(seen)) == 3  # jittered, not a fixed ladder


def test_permanent_error_dead_letters_at_once(tmp_path: Path) -> None:
    factory = make_factory(tmp_path)
    add_notices(factory, 1)
    fake = FakeChannel(errors=[PermanentError(93000, "invalid webhook key")])
    push_due_notices(factory, {"sim": fake}, T0)
    assert rows(factory)[0].status == DEAD and rows(factory)[0].attempts == 1


def test_expired_notice_is_skipped_never_sent_late(tmp_path: Path) -> None:
    factory = make_factory(tmp_path)
    add_notices(factory, 1, expires_at=T0 + timedelta(minutes=30))
    fake = FakeChannel()
    assert push_due_notices(factory, {"sim": fake}, T0 + timedelta(minutes=31)) == 0
    assert fake.sent == [] and rows(factory)[0].status == SKIPPED


def test_two_senders_in_parallel_send_each_notice_once(tmp_path: Path) -> None:
    factory = make_factory(tmp_path)
    add_notices(factory, 300)
    fake = FakeChannel(delay_seconds=0.001)
    options = OutboxOptions(claim_batch=20)
    threads = [
        threading.Thread(target=push_due_notices, args=(factory, {"sim": fake}, T0, options))
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(fake.texts()) == sorted(f"n{i}" for i in range(300))
    assert {r.status for r in rows(factory)} == {SENT}
