"""Row-driven campaign notices: the arrival notice, slot reminders and pickup follow-ups.

Each run looks at campaigns and orders and queues what is due, keyed so a rerun (or a
restart) adds nothing twice. A reminder whose slot has already begun is stored as
skipped — never sent late.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import SchedulerSettings
from bot.effects import queue_notice
from handlers import texts
from models.campaign import Campaign, Order
from models.messaging import Notice
from scheduler.destinations import (
    address,
    flag_manual,
    group_destination,
    local,
    resident_destination,
    slot_label,
)

log = logging.getLogger(__name__)

REMINDABLE = ("confirmed", "ready")
LOOKBACK = timedelta(days=1)  # older slots and arrivals are history, not work


def queue_arrival_notices(factory: sessionmaker[Session], now: datetime) -> int:
    """The group notice at the arrival time, once per campaign (`arrival:<campaign>`)."""
    added = 0
    with factory.begin() as session:
        due = session.scalars(
            select(Campaign).where(
                Campaign.arrival_at <= now,
                Campaign.arrival_at > now - LOOKBACK,
                Campaign.status.in_(("open", "closed", "arrived")),
            )
        ).all()
        for campaign in due:
            group = group_destination(session, campaign.chat_id)
            added += queue_notice(
                session,
                group.channel,
                group.target,
                arrival_text(session, campaign),
                f"arrival:{campaign.id}",
                kind="arrival",
                not_before_at=now,
            )
    return added


def arrival_text(session: Session, campaign: Campaign) -> str:
    """各位居民朋友：… plus one line per pickup slot with its household count."""
    assert campaign.arrival_at is not None
    slots = Counter(
        session.scalars(
            select(Order.slot_start_at).where(
                Order.campaign_id == campaign.id,
                Order.slot_start_at.is_not(None),
                Order.status.in_(REMINDABLE),
            )
        ).all()
    )
    lines = [
        texts.ARRIVAL_NOTICE.format(
            title=campaign.title,
            point=campaign.pickup_point,
            time=f"{local(campaign.arrival_at):%m月%d日 %H:%M}",
        )
    ]
    for start, count in sorted((s, c) for s, c in slots.items() if s is not None):
        end = start + timedelta(minutes=campaign.slot_minutes)
        label = slot_label(start, end).split("–")
        lines.append(texts.ARRIVAL_SLOT_LINE.format(start=label[0], end=label[1], count=count))
    return "\n".join(lines)


def queue_slot_reminders(
    factory: sessionmaker[Session], now: datetime, sched: SchedulerSettings
) -> int:
    """A personal reminder `reminder_minutes_before` each slot; past slots are stored skipped."""
    lead = timedelta(minutes=sched.reminder_minutes_before)
    window = timedelta(hours=sched.mp_window_hours)
    added = 0
    with factory.begin() as session:
        for order, campaign in _orders(session, Order.slot_start_at <= now + lead, now):
            assert order.slot_start_at is not None
            if _has_notice(session, order.id, "reminder"):
                continue
            added += _queue_for_order(
                session, order, campaign, "reminder", now, window, expires_at=order.slot_start_at
            )
    return added


def queue_follow_ups(
    factory: sessionmaker[Session], now: datetime, sched: SchedulerSettings
) -> int:
    """After a slot ends (+ `follow_up_minutes_after`), households that did not pick up."""
    after = timedelta(minutes=sched.follow_up_minutes_after)
    window = timedelta(hours=sched.mp_window_hours)
    added = 0
    with factory.begin() as session:
        for order, campaign in _orders(session, Order.slot_start_at <= now - after, now):
            end = slot_end(order, campaign)
            if end + after > now or _has_notice(session, order.id, "followup"):
                continue
            added += _queue_for_order(session, order, campaign, "followup", now, window)
    return added


def _orders(session: Session, condition: object, now: datetime) -> list[tuple[Order, Campaign]]:
    rows = session.execute(
        select(Order, Campaign)
        .join(Campaign, Campaign.id == Order.campaign_id)
        .where(
            condition,  # type: ignore[arg-type]
            Order.slot_start_at > now - LOOKBACK,
            Order.picked_up_at.is_(None),
            Order.status.in_(REMINDABLE),
        )
        .order_by(Order.id)
    ).all()
    return [(o, c) for o, c in rows]


def slot_end(order: Order, campaign: Campaign) -> datetime:
    """The order's slot end (stored, or start + the campaign's slot length)."""
    assert order.slot_start_at is not None
    return order.slot_end_at or order.slot_start_at + timedelta(minutes=campaign.slot_minutes)


def _has_notice(session: Session, order_id: int, kind: str) -> bool:
    """Also true when the campaign code queued this reminder itself (`reminder:<order>:…`).

    A key range, not LIKE: SQLite's LIKE cannot use the unique index on dedupe_key.
    """
    prefix = f"{kind}:{order_id}:"
    by_key = (Notice.dedupe_key >= prefix) & (Notice.dedupe_key < prefix[:-1] + ";")
    by_order = (Notice.order_id == order_id) & (Notice.kind == kind)
    return session.scalar(select(Notice.id).where(or_(by_key, by_order)).limit(1)) is not None


def _queue_for_order(
    session: Session,
    order: Order,
    campaign: Campaign,
    kind: str,
    now: datetime,
    window: timedelta,
    expires_at: datetime | None = None,
) -> int:
    assert order.slot_start_at is not None
    dest = resident_destination(session, order, campaign, now, window)
    text = order_text(session, order, campaign, kind, personal=dest.personal)
    late = expires_at is not None and expires_at <= now
    if dest.manual:
        flag_manual(order)
    return int(
        queue_notice(
            session,
            dest.channel,
            dest.target,
            text,
            f"{kind}:{order.id}:{int(order.slot_start_at.timestamp())}",
            kind=kind,
            not_before_at=now,
            expires_at=expires_at,
            order_id=order.id,
            mention_mobile=dest.mention_mobile,
            needs_manual=dest.manual,
            status="skipped" if late else "pending",
        )
    )


def order_text(
    session: Session, order: Order, campaign: Campaign, kind: str, personal: bool
) -> str:
    """The personal sentence (with pickup code) or the group line (address, no code)."""
    assert order.slot_start_at is not None
    values = {
        "title": campaign.title,
        "point": campaign.pickup_point,
        "slot": slot_label(order.slot_start_at, slot_end(order, campaign)),
        "code": order.pickup_code or "",
        "address": address(session, order.household_id),
    }
    template = {
        ("reminder", True): texts.REMINDER_PERSONAL,
        ("reminder", False): texts.REMINDER_GROUP_LINE,
        ("followup", True): texts.FOLLOW_UP_PERSONAL,
        ("followup", False): texts.FOLLOW_UP_GROUP_LINE,
    }[(kind, personal)]
    return template.format(**values)
