"""The scheduler process: a few fixed-id APScheduler jobs that look for due rows.

Run it with `python -m scheduler`; the web app never starts one (it would run once per
gunicorn worker).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import Channel
from bot.config import Settings
from bot.local_state import link_issuer
from bot.pictures.fetch import MediaFetcher
from models.base import utcnow
from scheduler import jobs
from scheduler.inbox import handle_stale_inbox
from scheduler.lock import SchedulerLock
from scheduler.pictures import read_queued_pictures
from scheduler.report import report_time
from scheduler.sender import OutboxOptions

log = logging.getLogger(__name__)

JOB_OPTIONS: dict[str, Any] = {"replace_existing": True, "max_instances": 1, "coalesce": True}


def build_scheduler(
    settings: Settings,
    session_factory: sessionmaker[Session],
    senders: Mapping[str, Channel],
    scheduler: BaseScheduler | None = None,
    lock: SchedulerLock | None = None,
) -> BaseScheduler:
    """Register the jobs (each reads the clock itself); the caller starts the scheduler.

    Cut-off, campaign notices and the report catch-up also run at once on start, so work
    that fell due while the process was down is done now.
    """
    tz = settings.zone
    sched = scheduler or BlockingScheduler(timezone=tz)
    s, f = settings.scheduler, session_factory
    start = datetime.now(tz)
    links = link_issuer(settings)
    _add(
        sched,
        "handle_stale_inbox",
        lambda: handle_stale_inbox(
            f, utcnow(), timedelta(seconds=s.inbox_stale_seconds), links, tz=tz
        ),
        "interval",
        seconds=s.inbox_sweep_seconds,
        next_run_time=start,
    )
    _add_sender(sched, settings, f, senders, start)
    _add(
        sched,
        "close_due_campaigns",
        lambda: jobs.close_due_campaigns(f, utcnow(), tz),
        "interval",
        seconds=s.poll_seconds,
        next_run_time=start,
    )
    _add(
        sched,
        "queue_campaign_notices",
        lambda: jobs.queue_campaign_notices(f, utcnow(), s, tz),
        "interval",
        seconds=s.poll_seconds,
        next_run_time=start,
    )
    _add(
        sched,
        "escalate_unacknowledged_needs",
        lambda: jobs.escalate_unacknowledged_needs(f, utcnow(), s),
        "interval",
        seconds=s.poll_seconds,
        next_run_time=start,
    )
    at = report_time(s)
    _add(
        sched,
        "send_daily_report",
        lambda: jobs.send_daily_report(f, utcnow(), s, tz),
        "cron",
        hour=at.hour,
        minute=at.minute,
        timezone=tz,
        next_run_time=start,
    )
    _add(
        sched,
        "purge_expired_personal_data",
        lambda: jobs.purge_expired_personal_data(f, utcnow(), settings.retention_days),
        "cron",
        hour=3,
        minute=30,
        timezone=tz,
    )
    fetch = MediaFetcher(settings, f)
    _add(
        sched,
        "read_queued_pictures",
        lambda: read_queued_pictures(f, fetch, s.ocr_threads, tz=tz),
        "interval",
        seconds=s.ocr_poll_seconds,
        next_run_time=start,
    )
    if lock is not None:
        _add(
            sched,
            "renew_lock",
            lambda: _renew(lock, sched),
            "interval",
            seconds=max(s.lock_seconds / 3, 1),
        )
    return sched


def build_sender(
    settings: Settings,
    session_factory: sessionmaker[Session],
    senders: Mapping[str, Channel],
    scheduler: BaseScheduler | None = None,
) -> BaseScheduler:
    """Only the outbox drain (`python -m scheduler --sender`): no lock, so several may run
    beside the scheduler; notices are claimed row by row (SKIP LOCKED), each sent once."""
    tz = settings.zone
    sched = scheduler or BlockingScheduler(timezone=tz)
    _add_sender(sched, settings, session_factory, senders, datetime.now(tz))
    return sched


def _add_sender(
    sched: BaseScheduler,
    settings: Settings,
    f: sessionmaker[Session],
    senders: Mapping[str, Channel],
    start: datetime,
) -> None:
    outbox = OutboxOptions.from_settings(settings.scheduler, settings.zone)
    _add(
        sched,
        "push_due_notices",
        lambda: jobs.push_due_notices(f, senders, None, outbox),
        "interval",
        seconds=settings.scheduler.push_seconds,
        next_run_time=start,
    )


def _add(
    sched: BaseScheduler, job_id: str, func: Callable[[], object], trigger: str, **trigger_args: Any
) -> None:
    sched.add_job(
        func,
        trigger,
        id=job_id,
        name=job_id,
        misfire_grace_time=None,
        **JOB_OPTIONS,
        **trigger_args,
    )


def _renew(lock: SchedulerLock, sched: BaseScheduler) -> None:
    """Keep the single-instance lock; if it was lost, stop so two copies never both run."""
    if not lock.renew():
        log.error("scheduler lock lost to %s: stopping jobs", lock.holder())
        sched.shutdown(wait=False)


def lock_retry(settings: Settings) -> timedelta:
    """How often an idle copy tries to take over."""
    return timedelta(seconds=max(settings.scheduler.lock_seconds / 3, 1))
