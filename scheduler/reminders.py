"""Row-driven campaign notices: the arrival notice, slot reminders and pickup follow-ups.

Each run looks at campaigns and orders and queues what is due, keyed so a rerun (or a
restart) adds nothing twice. A reminder whose slot has already begun is stored as
skipped — never sent late.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import Session, sessionmaker

from bot.config import SchedulerSettings
from handlers import texts
from handlers.campaign.post import group_post_key
from handlers.reach import campaign_groups, reach_order
from handlers.statuses import PICKABLE_STATUSES
from models.campaign import Campaign, Order
from models.campaign_groups import campaign_chats
from models.messaging import Notice
from models.notices import insert_notices, queue_notice
from scheduler.destinations import (
    ResidentReach,
    address,
    chunked,
    flag_manual,
    slot_label,
)
from scheduler.manual import tell_workers_manual

log = logging.getLogger(__name__)

LOOKBACK = timedelta(days=1)  # older slots and arrivals are history, not work
KEY_CHUNK = 200  # orders per existing-notice query: two key-range parameters each


def queue_arrival_notices(factory: sessionmaker[Session], now: datetime, tz: tzinfo) -> int:
    """The group notice once a campaign has arrived (`arrival:<campaign>`), if its own arrival
    step did not post one. Open or closed campaigns wait for 到货 (worker or `arrive_due`),
    which posts the notice with the slot table under the same key."""
    added = 0
    with factory.begin() as session:
        due = session.scalars(
            select(Campaign).where(
                Campaign.arrival_at <= now,
                Campaign.arrival_at > now - LOOKBACK,
                Campaign.status == "arrived",
            )
        ).all()
        for campaign in due:
            text = arrival_text(session, campaign, tz)
            for group in campaign_groups(campaign_chats(session, campaign.id)):
                if group.reachable:  # same key as 到货's own post: each group hears it once
                    added += queue_notice(
                        session,
                        group.channel,
                        group.chat_id,
                        text,
                        group_post_key(f"arrival:{campaign.id}", group.chat_id),
                        kind="arrival",
                        not_before_at=now,
                    )
    return added


def arrival_text(session: Session, campaign: Campaign, tz: tzinfo) -> str:
    """各位居民朋友：… plus one line per pickup slot with its household count."""
    assert campaign.arrival_at is not None
    slots = Counter(
        session.scalars(
            select(Order.slot_start_at).where(
                Order.campaign_id == campaign.id,
                Order.slot_start_at.is_not(None),
                Order.status.in_(PICKABLE_STATUSES),
            )
        ).all()
    )
    lines = [
        texts.ARRIVAL_NOTICE.format(
            title=campaign.title,
            point=campaign.pickup_point,
            time=f"{campaign.arrival_at.astimezone(tz):%m月%d日 %H:%M}",
        )
    ]
    for start, count in sorted((s, c) for s, c in slots.items() if s is not None):
        end = start + timedelta(minutes=campaign.slot_minutes)
        label = slot_label(start, end, tz).split("–")
        lines.append(texts.ARRIVAL_SLOT_LINE.format(start=label[0], end=label[1], count=count))
    return "\n".join(lines)


def queue_slot_reminders(
    factory: sessionmaker[Session], now: datetime, sched: SchedulerSettings, tz: tzinfo
) -> int:
    """A personal reminder `reminder_minutes_before` each slot; past slots are stored skipped."""
    lead = timedelta(minutes=sched.reminder_minutes_before)
    window = timedelta(hours=sched.mp_window_hours)
    with factory.begin() as session:
        due = _orders(session, Order.slot_start_at <= now + lead, now)
        return _queue_for_orders(session, due, "reminder", now, window, tz)


def queue_follow_ups(
    factory: sessionmaker[Session], now: datetime, sched: SchedulerSettings, tz: tzinfo
) -> int:
    """After a slot ends (+ `follow_up_minutes_after`), households that did not pick up."""
    after = timedelta(minutes=sched.follow_up_minutes_after)
    window = timedelta(hours=sched.mp_window_hours)
    with factory.begin() as session:
        due = [
            (order, campaign)
            for order, campaign in _orders(session, Order.slot_start_at <= now - after, now)
            if slot_end(order, campaign) + after <= now
        ]
        return _queue_for_orders(session, due, "followup", now, window, tz)


def _orders(session: Session, condition: object, now: datetime) -> list[tuple[Order, Campaign]]:
    rows = session.execute(
        select(Order, Campaign)
        .join(Campaign, Campaign.id == Order.campaign_id)
        .where(
            condition,  # type: ignore[arg-type]
            Order.slot_start_at > now - LOOKBACK,
            Order.picked_up_at.is_(None),
            Order.status.in_(PICKABLE_STATUSES),
        )
        .order_by(Order.id)
    ).all()
    return [(o, c) for o, c in rows]


def slot_end(order: Order, campaign: Campaign) -> datetime:
    """The order's slot end (stored, or start + the campaign's slot length)."""
    assert order.slot_start_at is not None
    return order.slot_end_at or order.slot_start_at + timedelta(minutes=campaign.slot_minutes)


def notice_key(kind: str, order: Order) -> str:
    """`reminder:<order>:<slot epoch>` / `followup:<order>:<slot epoch>`."""
    assert order.slot_start_at is not None
    return f"{kind}:{order.id}:{int(order.slot_start_at.timestamp())}"


def _queue_for_orders(
    session: Session,
    due: Sequence[tuple[Order, Campaign]],
    kind: str,
    now: datetime,
    window: timedelta,
    tz: tzinfo,
) -> int:
    """One `kind` notice per due order that has none yet, inserted in one statement."""
    done = _notified(session, kind, [o for o, _ in due])
    todo = [(o, c) for o, c in due if o.id not in done]
    if not todo:
        return 0
    reach = ResidentReach(session, todo)
    rows = [_row(session, reach, o, c, kind, now, window, tz) for o, c in todo]
    added = insert_notices(session, rows)
    manual = [(o, c) for (o, c), row in zip(todo, rows, strict=True) if row["needs_manual"]]
    tell_workers_manual(session, manual, kind, now)
    return added


def _notified(session: Session, kind: str, orders: Sequence[Order]) -> set[int]:
    """Ids of these orders that already have a `kind` notice: about the order (a group fallback
    has its own key), or keyed `<kind>:<order>:…` for any slot (whatever order the row names).
    """
    found: set[int] = set()
    for part in chunked(sorted({o.id for o in orders}), KEY_CHUNK):
        ids = set(part)
        params: dict[str, Any] = {"kind": kind, "ids": list(part)}
        for i in range(KEY_CHUNK):  # one statement shape: the last id fills the short chunk
            prefix = f"{kind}:{part[min(i, len(part) - 1)]}:"
            params[f"lo{i}"], params[f"hi{i}"] = prefix, prefix[:-1] + ";"
        for row_kind, order_id, key in session.execute(_existing_stmt(), params):
            if row_kind == kind and order_id in ids:
                found.add(order_id)
            head, _, rest = key.partition(":")
            keyed = rest.partition(":")[0]
            if head == kind and keyed.isdigit() and int(keyed) in ids:
                found.add(int(keyed))
    return found


@cache
def _existing_stmt() -> Select[str, int | None, str]:
    """Notices of `kind` about the orders `ids`, or keyed in one of the ranges [lo<i>, hi<i>).

    Key ranges, not LIKE: SQLite's LIKE cannot use the unique index on dedupe_key. Built once
    with bind parameters, so each chunk costs only its execution.
    """
    by_order = (Notice.kind == bindparam("kind")) & Notice.order_id.in_(
        bindparam("ids", expanding=True)
    )
    by_key = [
        (Notice.dedupe_key >= bindparam(f"lo{i}")) & (Notice.dedupe_key < bindparam(f"hi{i}"))
        for i in range(KEY_CHUNK)
    ]
    return select(Notice.kind, Notice.order_id, Notice.dedupe_key).where(or_(by_order, *by_key))


def _row(
    session: Session,
    reach: ResidentReach,
    order: Order,
    campaign: Campaign,
    kind: str,
    now: datetime,
    window: timedelta,
    tz: tzinfo,
) -> dict[str, Any]:
    """The Notice columns for one order; flags the order 需人工通知 when no channel reaches
    its resident (the row is kept for the workers' list and never sent)."""
    expires_at = order.slot_start_at if kind == "reminder" else None
    dest = reach_order(reach.contact(order.id), now, window)
    if dest.manual:
        flag_manual(order)
    late = expires_at is not None and expires_at <= now
    return {
        "channel": dest.channel,
        "target": dest.target,
        "text": order_text(session, order, campaign, kind, dest.personal, tz),
        "dedupe_key": notice_key(kind, order),
        "kind": kind,
        "not_before_at": now,
        "expires_at": expires_at,
        "order_id": order.id,
        "mention_mobile": dest.mention_mobile,
        "needs_manual": dest.manual,
        "status": "skipped" if late else "manual" if dest.manual else "pending",
    }


def order_text(
    session: Session, order: Order, campaign: Campaign, kind: str, personal: bool, tz: tzinfo
) -> str:
    """The personal sentence (with pickup code) or the group line (address, no code); the
    slot in `tz`."""
    assert order.slot_start_at is not None
    values = {
        "title": campaign.title,
        "point": campaign.pickup_point,
        "slot": slot_label(order.slot_start_at, slot_end(order, campaign), tz),
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
