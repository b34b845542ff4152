"""When a resident cannot be messaged 1:1 (45015/45047): the group notice instead, or 需人工通知
when no group reaches them (the one rule of `handlers.reach`, without the 1:1)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, tzinfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from handlers import texts
from handlers.campaign.rules import mask_phone
from handlers.reach import reach_order
from models.audit import AuditLog
from models.campaign import Campaign, Order
from models.community import Household, Member
from models.messaging import Notice
from models.notices import queue_notice
from models.outbox import DEAD, FALLBACK, MANUAL
from models.staff import STAFF_ROLES, staff_of
from scheduler.destinations import ResidentReach, flag_manual
from scheduler.manual import tell_workers_manual
from scheduler.reminders import order_text

log = logging.getLogger(__name__)


def fall_back_to_group(
    factory: sessionmaker[Session], ids: Sequence[int], error: str, now: datetime, tz: tzinfo
) -> int:
    """The 公众号 refused a 1:1 notice: queue it where the rule says without the 1:1 (the group
    the order came from), else keep it as 需人工通知 for the workers; a notice about no order
    is dead-lettered (flagged too). The workers get the 需人工通知 summary for the orders no
    group reaches, as when the window is known to be shut at queueing. Return group notices
    queued."""
    queued = 0
    with factory.begin() as session:
        for notice_id in ids:
            notice = session.get_one(Notice, notice_id, with_for_update=True)
            notice.last_error, notice.lease_until = error, None
            notice.status = DEAD
            if notice.order_id is not None:
                queued += _reroute(session, notice, now, tz)
            else:
                notice.needs_manual = True
                _tell_workers_undelivered(session, notice, now)
            if notice.status == MANUAL:
                _tell_workers(session, notice, now)
            session.add(
                AuditLog(
                    actor="scheduler",
                    action="需人工通知" if notice.needs_manual else "notice.fallback",
                    record_type="order" if notice.order_id else "notice",
                    record_id=str(notice.order_id or notice.id),
                    before=None,
                    after={"notice": notice.id, "error": error, "status": notice.status},
                    at=now,
                )
            )
    log.info("1:1 window closed for notices %s: %d group notices queued", list(ids), queued)
    return queued


def _tell_workers(session: Session, notice: Notice, now: datetime) -> None:
    """The workers' 需人工通知 summary for this notice's order (keyed: never twice)."""
    order = session.get_one(Order, notice.order_id)
    campaign = session.get_one(Campaign, order.campaign_id)
    tell_workers_manual(session, [(order, campaign)], notice.kind, now)


def _tell_workers_undelivered(session: Session, notice: Notice, now: datetime) -> int:
    """A 1:1 message about no order (a need's answer, a reply) reached no resident: the
    workers of the resident's community get its text and who it was for, once per worker.

    Never for a message to a worker (the others had their own copy) or a message to workers:
    a worker the account cannot reach must not be told of it again and again."""
    member = session.scalars(
        select(Member).where(Member.channel == notice.channel, Member.external_id == notice.target)
    ).first()
    if notice.kind == "summary" or (member is not None and member.role in STAFF_ROLES):
        return 0
    home = session.get(Household, member.household_id) if member and member.household_id else None
    community = (member.community_id if member else None) or (home.community_id if home else None)
    who = _who(home, member)
    text = texts.UNDELIVERED_TO_RESIDENT.format(who=who, text=notice.text)
    return sum(
        queue_notice(
            session,
            worker.channel,
            worker.external_id,
            text,
            f"undelivered:{notice.id}:{worker.id}",
            kind="summary",
            not_before_at=now,
        )
        for worker in staff_of(session, community)
    )


def _who(home: Household | None, member: Member | None) -> str:
    """3-2-201 王 138****1234, the member's name, or 未登记."""
    if home is None:
        name = member.display_name if member else ""
        return f" {name}" if name else texts.UNDELIVERED_WHO_UNKNOWN
    address = "-".join(p for p in (home.building, home.unit, home.room) if p)
    phone = f" {mask_phone(home.phone)}" if home.phone else ""
    return f" {address} {home.name or ''}{phone}".rstrip()


def _reroute(session: Session, notice: Notice, now: datetime, tz: tzinfo) -> int:
    """1 when the group version was queued (now, or by an earlier run that crashed before
    marking), 0 when no group reaches the resident (the notice stays 需人工通知)."""
    order = session.get(Order, notice.order_id)
    campaign = session.get(Campaign, order.campaign_id) if order else None
    if order is None or campaign is None:
        notice.needs_manual = True
        return 0
    contact = ResidentReach(session, [(order, campaign)]).contact(order.id)
    dest = reach_order(contact, now, personal=False)
    if dest.manual:
        flag_manual(order)
        notice.needs_manual, notice.status = True, MANUAL
        return 0
    templated = notice.kind in ("reminder", "followup") and order.slot_start_at is not None
    text = (
        order_text(session, order, campaign, notice.kind, False, tz) if templated else notice.text
    )
    queue_notice(
        session,
        dest.channel,
        dest.target,
        text,
        f"fallback:{notice.id}",
        kind=notice.kind,
        not_before_at=now,
        expires_at=notice.expires_at,
        order_id=order.id,
        mention_mobile=dest.mention_mobile,
    )
    notice.status = FALLBACK
    return 1
