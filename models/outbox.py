"""The outbox protocol: claim due notices with a lease, mark them sent, retry or dead-letter.

Senders call the channel OUTSIDE these transactions, so a crash between the call and
`mark_sent` can repeat only the notices that were in flight; the lease lets another run
take them over. On PostgreSQL the claim uses FOR UPDATE SKIP LOCKED so concurrent senders
never claim one row twice; on SQLite (BEGIN IMMEDIATE) the clause is simply not rendered.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, case, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from models.messaging import Notice

PENDING, SENDING, SENT = "pending", "sending", "sent"
DEAD, SKIPPED, FALLBACK = "dead", "skipped", "fallback"
MANUAL = "manual"  # no channel reaches the resident: never sent, shown to workers (需人工通知)


@dataclass(frozen=True, slots=True)
class Claimed:
    """A plain copy of a claimed notice: the sender needs no session while it calls Tencent."""

    id: int
    channel: str
    target: str
    text: str
    kind: str
    attempts: int
    order_id: int | None = None
    mention_mobile: str | None = None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter; dead-letter after `max_attempts` tries."""

    max_attempts: int = 8
    base_seconds: float = 5.0
    cap_seconds: float = 900.0

    def delay(self, attempts: int, rng: random.Random | None = None) -> timedelta:
        """Full jitter: uniform(0, min(cap, base * 2**(attempts-1)))."""
        ceiling = min(self.cap_seconds, self.base_seconds * 2 ** max(attempts - 1, 0))
        return timedelta(seconds=(rng or random).uniform(0, ceiling))


def _due(now: datetime) -> ColumnElement[bool]:
    waiting = and_(Notice.status == PENDING, Notice.not_before_at <= now)
    abandoned = and_(Notice.status == SENDING, Notice.lease_until < now)
    fresh = or_(Notice.expires_at.is_(None), Notice.expires_at > now)
    return and_(or_(waiting, abandoned), fresh)


def claim_due(
    factory: sessionmaker[Session],
    channels: Collection[str],
    now: datetime,
    lease: timedelta,
    limit: int = 100,
) -> list[Claimed]:
    """Lease up to `limit` due notices on these channels; the attempt is counted now.

    Rows are taken destination by destination so reminders for one group can be batched;
    the sender drains until nothing is due, so no destination waits for a later run.
    """
    ids = (
        select(Notice.id)
        .where(Notice.channel.in_(list(channels)), _due(now))
        .order_by(Notice.channel, Notice.target, Notice.id)  # one destination's rows together
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        update(Notice)
        .where(Notice.id.in_(ids.scalar_subquery()))
        .values(status=SENDING, lease_until=now + lease, attempts=Notice.attempts + 1)
        .returning(
            Notice.id,
            Notice.channel,
            Notice.target,
            Notice.text,
            Notice.kind,
            Notice.attempts,
            Notice.order_id,
            Notice.mention_mobile,
        )
        .execution_options(synchronize_session=False)
    )
    with factory.begin() as session:
        rows = session.execute(stmt).all()
    claimed = (Claimed(**row._asdict()) for row in rows)
    return sorted(claimed, key=lambda c: (c.channel, c.target, c.id))  # one destination together


def renew(
    factory: sessionmaker[Session], held: Sequence[Claimed], now: datetime, lease: timedelta
) -> bool:
    """Extend the lease on these notices if this run still holds every one; False if another
    run took any over after the lease ran out (its claim counted a new attempt).

    Called before each delivery: a batch that outlives its lease (a slow platform) must not
    send what another sender has claimed since.
    """
    ours = or_(*(and_(Notice.id == c.id, Notice.attempts == c.attempts) for c in held))
    stmt = (
        update(Notice)
        .where(Notice.status == SENDING, ours)
        .values(lease_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    with factory.begin() as session:
        renewed = int(cast(CursorResult[Any], session.execute(stmt)).rowcount)
    return renewed == len(held)


def mark_sent(factory: sessionmaker[Session], ids: Sequence[int], now: datetime) -> None:
    """Record delivery of these notices (one transaction per delivered message)."""
    _set(factory, ids, status=SENT, sent_at=now, lease_until=None, last_error=None)


def keep_text(factory: sessionmaker[Session], notice_id: int, text: str) -> None:
    """Replace what is left to send of a notice (the parts not yet delivered)."""
    _set(factory, [notice_id], text=text)


def defer(factory: sessionmaker[Session], ids: Sequence[int], until: datetime, why: str) -> None:
    """Put notices back without counting an attempt (rate limit reached, throttled)."""
    _set(
        factory,
        ids,
        status=PENDING,
        not_before_at=until,
        lease_until=None,
        last_error=why,
        attempts=case((Notice.attempts > 0, Notice.attempts - 1), else_=0),
    )


def retry_later(
    factory: sessionmaker[Session],
    claimed: Sequence[Claimed],
    error: str,
    now: datetime,
    policy: RetryPolicy,
    rng: random.Random | None = None,
) -> list[int]:
    """Schedule a retry with backoff, or dead-letter what used its attempts; return dead ids."""
    dead = [c.id for c in claimed if c.attempts >= policy.max_attempts]
    dead_letter(factory, dead, error)
    for c in claimed:
        if c.attempts < policy.max_attempts:
            _set(
                factory,
                [c.id],
                status=PENDING,
                lease_until=None,
                last_error=error,
                not_before_at=now + policy.delay(c.attempts, rng),
            )
    return dead


def dead_letter(factory: sessionmaker[Session], ids: Sequence[int], error: str) -> None:
    """Stop trying: the notice shows up in the workers' failure list and the daily report."""
    _set(factory, ids, status=DEAD, lease_until=None, last_error=error)


def skip_expired(factory: sessionmaker[Session], now: datetime) -> int:
    """Mark notices whose moment has passed (a reminder for a past slot) as skipped: never late."""
    stale = and_(
        Notice.expires_at <= now,
        or_(Notice.status == PENDING, and_(Notice.status == SENDING, Notice.lease_until < now)),
    )
    stmt = (
        update(Notice)
        .where(stale)
        .values(status=SKIPPED, lease_until=None, last_error="expired before sending")
        .execution_options(synchronize_session=False)
    )
    with factory.begin() as session:
        return int(cast(CursorResult[Any], session.execute(stmt)).rowcount)


def dead_letters(session: Session, limit: int = 50) -> list[Notice]:
    """Notices that failed for good or need a person (需人工通知), newest first, for workers."""
    return list(
        session.scalars(
            select(Notice)
            .where(or_(Notice.status == DEAD, Notice.needs_manual.is_(True)))
            .order_by(Notice.id.desc())
            .limit(limit)
        )
    )


def _set(factory: sessionmaker[Session], ids: Sequence[int], **values: object) -> None:
    if not ids:
        return
    stmt = (
        update(Notice)
        .where(Notice.id.in_(list(ids)))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    with factory.begin() as session:
        session.execute(stmt)
