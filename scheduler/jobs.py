"""The scheduler's jobs: each an importable function of plain arguments, safe to rerun.

The database is the schedule: every job looks for due rows and keys what it queues, so a
restart loses nothing and a job that ran twice adds nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo

from sqlalchemy.orm import Session, sessionmaker

from bot.config import SchedulerSettings
from handlers.campaign.goal_ops import remind_due
from handlers.campaign.handler import arrive_due, close_due
from models.campaigns_repo import SqlCampaignRepo
from scheduler.reminders import queue_arrival_notices, queue_follow_ups, queue_slot_reminders
from scheduler.report import escalate_unacknowledged_needs, send_daily_report
from scheduler.retention import purge_expired_personal_data
from scheduler.sender import push_due_notices

log = logging.getLogger(__name__)

__all__ = [
    "arrive_due_campaigns",
    "close_due_campaigns",
    "escalate_unacknowledged_needs",
    "purge_expired_personal_data",
    "push_due_notices",
    "queue_campaign_notices",
    "send_daily_report",
]


def close_due_campaigns(factory: sessionmaker[Session], now: datetime, tz: tzinfo) -> list[int]:
    """截单: an hour before, one reminder to the groups (with how far the 接龙 has got); at
    the cut-off, open campaigns sync their chains and close (or, below their 成团 minimum,
    are cancelled with one notice).

    Runs at start too, so a cut-off missed while the scheduler was down is not skipped.
    """
    with factory.begin() as session:
        remind_due(SqlCampaignRepo(session), now, tz)
    with factory.begin() as session:
        return close_due(SqlCampaignRepo(session), now)


def arrive_due_campaigns(factory: sessionmaker[Session], now: datetime, tz: tzinfo) -> list[int]:
    """到货 at the announced time: closed campaigns get pickup slots, codes and the group notice."""
    with factory.begin() as session:
        return arrive_due(SqlCampaignRepo(session), now, tz)


def queue_campaign_notices(
    factory: sessionmaker[Session], now: datetime, sched: SchedulerSettings, tz: tzinfo
) -> int:
    """Arrival notices, slot reminders and follow-ups that are due now; return how many queued.
    `tz` (every job here): the configured zone people's times are shown in."""
    arrive_due_campaigns(factory, now, tz)
    return (
        queue_arrival_notices(factory, now, tz)
        + queue_slot_reminders(factory, now, sched, tz)
        + queue_follow_ups(factory, now, sched, tz)
    )
