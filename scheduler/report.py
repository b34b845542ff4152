"""Workers' daily report (每日零报告, sent even when all is zero) and urgent-need escalation."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import SchedulerSettings
from handlers import texts
from models.audit import AuditLog
from models.campaign import Campaign, Order
from models.messaging import Notice
from models.need import Need
from models.notices import queue_notice
from models.staff import staff_of

log = logging.getLogger(__name__)

URGENT_LINES = 10


def report_time(sched: SchedulerSettings) -> time:
    """`daily_report_time` ("HH:MM", in the configured `timezone`) as a time."""
    hour, minute = sched.daily_report_time.split(":")
    return time(int(hour), int(minute))


def send_daily_report(
    factory: sessionmaker[Session], now: datetime, sched: SchedulerSettings, tz: tzinfo
) -> int:
    """Once the report time has come today (in `tz`, the configured zone), queue today's
    report to every worker; "today" starts at midnight in `tz`.

    Keyed per day and worker, so the start-up catch-up and the cron run never send it twice.
    """
    local_now = now.astimezone(tz)
    if local_now.time() < report_time(sched):
        return 0
    start = datetime.combine(local_now.date(), time(0), tz).astimezone(UTC)
    added = 0
    with factory.begin() as session:
        workers = staff_of(session, None)
        for worker in workers:
            text = report_text(session, worker.community_id, local_now.date(), start)
            added += queue_notice(
                session,
                worker.channel,
                worker.external_id,
                text,
                f"daily-report:{local_now:%Y-%m-%d}:{worker.id}",
                kind="report",
                not_before_at=now,
            )
    if not workers:
        log.warning("daily report: no worker to send it to")
    return added


def report_text(session: Session, community_id: int | None, day: date, start: datetime) -> str:
    """The report body of `day` for one community since its local midnight (`start`)."""

    def count(stmt: ColumnElement[bool], model: type[Need] | type[Notice]) -> int:
        return session.scalar(select(func.count(model.id)).where(stmt)) or 0

    mine = Need.community_id == community_id if community_id is not None else Need.id.is_not(None)
    open_ = mine & (Need.status != "resolved")
    urgent = session.scalars(
        select(Need)
        .where(open_, Need.urgent.is_(True))
        .order_by(Need.created_at)
        .limit(URGENT_LINES)
    ).all()
    body = texts.DAILY_REPORT.format(
        date=f"{day:%Y-%m-%d}",
        new_needs=count(mine & (Need.created_at >= start), Need),
        open_needs=count(open_, Need),
        urgent_open=count(open_ & Need.urgent.is_(True), Need),
        orders=_orders(session, community_id, Order.created_at >= start),
        pickups=_orders(session, community_id, Order.picked_up_at >= start),
        failures=count((Notice.status == "dead") & (Notice.created_at >= start), Notice),
        manual=_manual(session, community_id, start),
    )
    lines = [
        texts.DAILY_REPORT_URGENT_LINE.format(id=n.id, category=n.category, text=n.text[:40])
        for n in urgent
    ]
    return "\n".join([body, *lines])


def _orders(session: Session, community_id: int | None, cond: ColumnElement[bool]) -> int:
    stmt = select(func.count(Order.id)).join(Campaign, Campaign.id == Order.campaign_id).where(cond)
    if community_id is not None:
        stmt = stmt.where(Campaign.community_id == community_id)
    return session.scalar(stmt) or 0


def _manual(session: Session, community_id: int | None, start: datetime) -> int:
    """Households of the community no channel reached today (需人工通知), each counted once."""
    stmt = (
        select(func.count(func.distinct(Order.household_id)))
        .select_from(Notice)
        .join(Order, Order.id == Notice.order_id)
        .join(Campaign, Campaign.id == Order.campaign_id)
        .where(Notice.needs_manual.is_(True), Notice.created_at >= start)
    )
    if community_id is not None:
        stmt = stmt.where(Campaign.community_id == community_id)
    return session.scalar(stmt) or 0


def escalate_unacknowledged_needs(
    factory: sessionmaker[Session], now: datetime, sched: SchedulerSettings
) -> list[int]:
    """An urgent need nobody acknowledged within `escalate_after_minutes` goes again to every
    worker of its community and is flagged (escalated_at) — at most once per that interval."""
    every = timedelta(minutes=sched.escalate_after_minutes)
    escalated: list[int] = []
    with factory.begin() as session:
        needs = session.scalars(
            select(Need)
            .where(
                Need.urgent.is_(True),
                Need.status == "new",
                Need.acknowledged_at.is_(None),
                Need.created_at <= now - every,
            )
            .with_for_update()
        ).all()
        for need in needs:
            if need.escalated_at is not None and need.escalated_at + every > now:
                continue
            _escalate(session, need, now)
            escalated.append(need.id)
    if escalated:
        log.warning("escalated urgent needs %s", escalated)
    return escalated


def _escalate(session: Session, need: Need, now: datetime) -> None:
    minutes = int((now - need.created_at).total_seconds() // 60)
    text = texts.ESCALATION.format(
        minutes=minutes, id=need.id, category=need.category, text=need.text[:200]
    )
    for worker in staff_of(session, need.community_id):
        queue_notice(
            session,
            worker.channel,
            worker.external_id,
            text,
            f"escalate:{need.id}:{int(now.timestamp())}:{worker.id}",
            kind="escalation",
            not_before_at=now,
        )
    before = {"escalated_at": need.escalated_at.isoformat() if need.escalated_at else None}
    need.escalated_at = now
    session.add(
        AuditLog(
            actor="scheduler",
            action="need.escalate",
            record_type="need",
            record_id=str(need.id),
            before=before,
            after={"escalated_at": now.isoformat()},
            at=now,
        )
    )
