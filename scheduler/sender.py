"""Drain the outbox: claim due notices, send them outside any transaction, then mark them.

Per destination the platform's rate is respected from shared database state; a throttled or
rate-limited destination is deferred while the others go on.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from itertools import groupby

from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import (
    Channel,
    ChannelError,
    ChannelLimits,
    ConfigRejected,
    OutsideWindow,
    Throttled,
)
from bot.config import DEFAULT_ZONE, SchedulerSettings
from models import outbox, ratelimit
from models.base import utcnow
from models.messaging import Notice
from models.outbox import Claimed, RetryPolicy
from scheduler.batches import Delivery, plan
from scheduler.fallback import fall_back_to_group

log = logging.getLogger(__name__)

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class OutboxOptions:
    """How the sender claims and retries (from [scheduler] settings), and the zone a group
    fallback's rewritten notice shows its slot in (`timezone`)."""

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    lease: timedelta = timedelta(minutes=2)
    claim_batch: int = 100
    tz: tzinfo = DEFAULT_ZONE

    @classmethod
    def from_settings(cls, s: SchedulerSettings, tz: tzinfo) -> OutboxOptions:
        """Options from the [scheduler] table and the configured zone."""
        policy = RetryPolicy(s.max_attempts, s.backoff_base_seconds, s.backoff_cap_seconds)
        return cls(policy, timedelta(seconds=s.lease_seconds), s.claim_batch, tz)


@dataclass
class _Run:
    factory: sessionmaker[Session]
    senders: Mapping[str, Channel]
    options: OutboxOptions
    clock: Callable[[], datetime]
    rng: random.Random | None
    sent: int = 0


def push_due_notices(
    session_factory: sessionmaker[Session],
    senders: Mapping[str, Channel],
    now: datetime | None = None,
    options: OutboxOptions | None = None,
    rng: random.Random | None = None,
) -> int:
    """Send every due notice the senders can take; return how many notices were delivered.

    `now` pins the clock (tests); by default each step reads the real time.
    """
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    run = _Run(session_factory, senders, options or OutboxOptions(), clock, rng)
    skipped = outbox.skip_expired(session_factory, clock())
    if skipped:
        log.info("skipped %d notices whose time had passed", skipped)
    while claimed := outbox.claim_due(
        session_factory, senders, clock(), run.options.lease, run.options.claim_batch
    ):
        for (channel, _target), group in groupby(claimed, key=lambda c: (c.channel, c.target)):
            _send_group(run, senders[channel], list(group))
    if run.sent:
        log.info("sent %d notices", run.sent)
    return run.sent


def _send_group(run: _Run, channel: Channel, notices: list[Claimed]) -> None:
    """All deliveries for one destination, stopping (deferring the rest) when it is throttled."""
    deliveries = plan(channel, notices)
    by_id = {n.id: n for n in notices}
    for index, delivery in enumerate(deliveries):
        held = [by_id[i] for i in delivery.notice_ids]
        if not outbox.renew(run.factory, held, run.clock(), run.options.lease):
            log.warning("notices %s were taken over by another sender", delivery.notice_ids)
            continue
        wait_until = _send_delivery(run, channel, delivery)
        if wait_until is not None:
            rest = [i for d in deliveries[index:] for i in d.notice_ids]
            outbox.defer(run.factory, rest, wait_until, "rate limited")
            return


def _send_delivery(run: _Run, channel: Channel, delivery: Delivery) -> datetime | None:
    """Send all parts; None when done (sent or failed), else when to try this destination again.

    The destination's rate is reserved for every part before the first goes out; a part that
    fails after others went keeps only the unsent rest for the next try (never a repeat)."""
    ids, key, done = delivery.notice_ids, None, 0
    try:
        if channel.limits.per_minute:
            key = channel.rate_key(delivery.parts[0].target)
        if key is not None and (wait := _reserve(run, channel.limits, key, len(delivery.parts))):
            return wait
        for part in delivery.parts:
            channel.send(part)
            done += 1
    except Throttled as exc:
        _keep_unsent(run, delivery, done)
        until = run.clock() + MINUTE
        log.warning("%s throttled (%s): pausing until %s", key, exc.errcode, until)
        if key is not None:
            ratelimit.block(run.factory, key, until)
        return until
    except ChannelError as exc:
        if exc.retryable:
            _keep_unsent(run, delivery, done)
        _failed(run, channel, delivery, exc)
        return None
    except Exception as exc:  # a bug in one sender must not stop the others
        log.exception("sender %s crashed on notices %s", channel.name, ids)
        _keep_unsent(run, delivery, done)
        _failed(run, channel, delivery, ChannelError(-1, repr(exc)))
        return None
    outbox.mark_sent(run.factory, ids, run.clock())
    run.sent += len(ids)
    return None


def _reserve(run: _Run, limits: ChannelLimits, key: str, parts: int) -> datetime | None:
    """Reserve `parts` sends in the destination's minute, then in its hour (when it has an
    hourly limit); None when reserved, else when to try again."""
    wait = ratelimit.reserve(run.factory, key, limits.per_minute, MINUTE, run.clock(), parts)
    if wait is None and limits.per_hour:
        hourly = f"{key}:hour"
        wait = ratelimit.reserve(run.factory, hourly, limits.per_hour, HOUR, run.clock(), parts)
    return wait


def _keep_unsent(run: _Run, delivery: Delivery, done: int) -> None:
    """After `done` parts of a multi-part notice went out, keep only the rest for the retry.

    Only one notice is ever split in parts (batches hold whole notices)."""
    if done == 0 or len(delivery.notice_ids) != 1:
        return
    rest = "\n".join(part.text for part in delivery.parts[done:])
    log.warning("notice %s: %d of %d parts sent", delivery.notice_ids[0], done, len(delivery.parts))
    outbox.keep_text(run.factory, delivery.notice_ids[0], rest)


def _failed(run: _Run, channel: Channel, delivery: Delivery, exc: ChannelError) -> None:
    """Fall back, dead-letter or schedule a retry with backoff, depending on the error."""
    ids = delivery.notice_ids
    error = f"{channel.name}: {exc}"
    if isinstance(exc, OutsideWindow):
        fall_back_to_group(run.factory, ids, error, run.clock(), run.options.tz)
    elif not exc.retryable:
        log.error("giving up on notices %s: %s", ids, error)
        outbox.dead_letter(run.factory, ids, error)
    else:
        if isinstance(exc, ConfigRejected):
            log.error("%s refuses Linli's configuration: %s", channel.name, exc)
        claimed = _claimed_rows(run.factory, ids)
        dead = outbox.retry_later(
            run.factory, claimed, error, run.clock(), run.options.policy, run.rng
        )
        log.warning("send failed for %s (%s); dead-lettered: %s", ids, error, dead or "none")


def _claimed_rows(factory: sessionmaker[Session], ids: Sequence[int]) -> list[Claimed]:
    """Re-read attempts for the retry decision (a batch may mix notices of several ages)."""
    with factory() as session:
        rows = [session.get_one(Notice, i) for i in ids]
    return [Claimed(r.id, r.channel, r.target, r.text, r.kind, r.attempts) for r in rows]
