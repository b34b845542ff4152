"""The scheduler's jobs: each an importable function of plain arguments, safe to rerun.

The database is the schedule: every job looks for due rows and keys what it queues, so a
restart loses nothing and a job that ran twice adds nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import SchedulerSettings
from bot.effects import queue_notice
from handlers import texts
from models.campaign import Campaign, Order, OrderLine
from models.messaging import AuditLog
from scheduler.destinations import group_destination
from scheduler.reminders import queue_arrival_notices, queue_follow_ups, queue_slot_reminders
from scheduler.report import escalate_unacknowledged_needs, send_daily_report
from scheduler.retention import purge_expired_personal_data
from scheduler.sender import push_due_notices

log = logging.getLogger(__name__)

__all__ = [
    "close_due_campaigns",
    "escalate_unacknowledged_needs",
    "purge_expired_personal_data",
    "push_due_notices",
    "queue_campaign_notices",
    "send_daily_report",
]

CLOSED_OUT = ("cancelled", "withdrawn")


def close_due_campaigns(factory: sessionmaker[Session], now: datetime) -> list[int]:
    """截单: open campaigns past their cut-off close, with an audit row and the group summary.

    Runs at start too, so a cut-off missed while the scheduler was down is not skipped.
    """
    closed: list[int] = []
    with factory.begin() as session:
        due = session.scalars(
            select(Campaign)
            .where(Campaign.status == "open", Campaign.cutoff_at <= now)
            .with_for_update()
        ).all()
        for campaign in due:
            campaign.status, campaign.closed_at = "closed", now
            session.add(
                AuditLog(
                    actor="scheduler",
                    action="campaign.close",
                    record_type="campaign",
                    record_id=str(campaign.id),
                    before={"status": "open"},
                    after={"status": "closed"},
                    at=now,
                )
            )
            group = group_destination(session, campaign.chat_id)
            queue_notice(
                session,
                group.channel,
                group.target,
                cutoff_text(session, campaign),
                f"cutoff:{campaign.id}",
                kind="cutoff",
                not_before_at=now,
            )
            closed.append(campaign.id)
    if closed:
        log.info("closed campaigns %s at cut-off", closed)
    return closed


def cutoff_text(session: Session, campaign: Campaign) -> str:
    """「标题」已截单，共 N 单 + one total per product."""
    live = (Order.campaign_id == campaign.id) & Order.status.not_in(CLOSED_OUT)
    orders = session.scalar(select(func.count(Order.id)).where(live)) or 0
    totals = session.execute(
        select(OrderLine.name, OrderLine.unit, func.sum(OrderLine.qty))
        .join(Order, Order.id == OrderLine.order_id)
        .where(live)
        .group_by(OrderLine.name, OrderLine.unit)
        .order_by(OrderLine.name)
    ).all()
    lines = [texts.CUTOFF_NOTICE.format(title=campaign.title, orders=orders)]
    lines += [
        texts.CUTOFF_TOTAL_LINE.format(name=name, unit=unit or "", qty=f"{qty:g}")
        for name, unit, qty in totals
    ]
    return "\n".join(lines)


def queue_campaign_notices(
    factory: sessionmaker[Session], now: datetime, sched: SchedulerSettings
) -> int:
    """Arrival notices, slot reminders and follow-ups that are due now; return how many queued."""
    return (
        queue_arrival_notices(factory, now)
        + queue_slot_reminders(factory, now, sched)
        + queue_follow_ups(factory, now, sched)
    )
