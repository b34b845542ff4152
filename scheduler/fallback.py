"""When a resident cannot be messaged 1:1 (45015/45047): group notice instead, and 需人工通知."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.effects import queue_notice
from models.campaign import Campaign, Order
from models.messaging import AuditLog, Notice
from models.outbox import DEAD, FALLBACK
from scheduler.destinations import flag_manual, group_destination
from scheduler.reminders import order_text

log = logging.getLogger(__name__)


def fall_back_to_group(
    factory: sessionmaker[Session], ids: Sequence[int], error: str, now: datetime
) -> int:
    """Queue the group version of each notice about an order and flag it for a worker;
    a notice about no order is dead-lettered (flagged too). Return group notices queued."""
    queued = 0
    with factory.begin() as session:
        for notice_id in ids:
            notice = session.get_one(Notice, notice_id, with_for_update=True)
            notice.needs_manual, notice.last_error, notice.lease_until = True, error, None
            notice.status = DEAD
            if notice.order_id is not None and _queue_group(session, notice, now):
                notice.status = FALLBACK
                queued += 1
            session.add(
                AuditLog(
                    actor="scheduler",
                    action="需人工通知",
                    record_type="order" if notice.order_id else "notice",
                    record_id=str(notice.order_id or notice.id),
                    before=None,
                    after={"notice": notice.id, "error": error},
                    at=now,
                )
            )
    log.info("1:1 window closed for notices %s: %d group notices queued", list(ids), queued)
    return queued


def _queue_group(session: Session, notice: Notice, now: datetime) -> bool:
    order = session.get(Order, notice.order_id)
    campaign = session.get(Campaign, order.campaign_id) if order else None
    if order is None or campaign is None or order.slot_start_at is None:
        return False
    flag_manual(order)
    group = group_destination(session, campaign.chat_id, campaign.channel)
    text = order_text(session, order, campaign, notice.kind, personal=False)
    queue_notice(
        session,
        group.channel,
        group.target,
        text,
        f"fallback:{notice.id}",
        kind=notice.kind,
        not_before_at=now,
        expires_at=notice.expires_at,
        order_id=order.id,
        needs_manual=True,
    )
    return True  # queued now, or by an earlier run that crashed before marking
