"""Where a notice about an order goes: the resident 1:1 within the 公众号 window, or the group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.campaign import Campaign, Order
from models.community import Chat, Household, Member

SHANGHAI = ZoneInfo("Asia/Shanghai")
MENTION_CONSENT_FLAG = "同意@提醒"  # in Household.flags: the resident agreed to be @-mentioned
MANUAL_FLAG = "需人工通知"  # in Order.flags: a worker must reach the household in person


@dataclass(frozen=True, slots=True)
class Destination:
    """Where to send; `personal` means 1:1, `manual` means a worker must also reach them."""

    channel: str
    target: str
    personal: bool = False
    manual: bool = False
    mention_mobile: str | None = None


def group_destination(session: Session, chat_id: str) -> Destination:
    """The campaign's group on its channel (the simulator when the chat is unknown)."""
    channel = session.scalar(select(Chat.channel).where(Chat.external_id == chat_id).limit(1))
    return Destination(channel or "sim", chat_id)


def resident_destination(
    session: Session, order: Order, campaign: Campaign, now: datetime, window: timedelta
) -> Destination:
    """1:1 on the 公众号 when a household member wrote within the window; otherwise the group,
    flagged 需人工通知 when the resident follows the 公众号 but the window has closed."""
    group = group_destination(session, campaign.chat_id)
    if order.household_id is None:
        return group
    followers = session.scalars(
        select(Member).where(Member.household_id == order.household_id, Member.channel == "mp")
    ).all()
    open_ = [m for m in followers if m.last_message_at and m.last_message_at + window > now]
    if open_:
        return Destination("mp", open_[0].external_id, personal=True)
    household = session.get(Household, order.household_id)
    phone = (
        household.phone if household and MENTION_CONSENT_FLAG in (household.flags or []) else None
    )
    mention = phone if group.channel == "wecom_robot" else None
    return Destination(group.channel, group.target, manual=bool(followers), mention_mobile=mention)


def address(session: Session, household_id: int | None) -> str:
    """3号楼2单元201 style, from the household (empty parts left out)."""
    household = session.get(Household, household_id) if household_id is not None else None
    if household is None:
        return "住户"
    parts = [(household.building, "号楼"), (household.unit, "单元"), (household.room, "")]
    return "".join(f"{value}{suffix}" for value, suffix in parts if value) or "住户"


def local(at: datetime) -> datetime:
    """Shown to people in Asia/Shanghai."""
    return at.astimezone(SHANGHAI)


def slot_label(start: datetime, end: datetime) -> str:
    """15:00–15:30 in local time."""
    return f"{local(start):%H:%M}–{local(end):%H:%M}"


def flag_manual(order: Order) -> None:
    """Mark the order 需人工通知 (shown to workers with the order)."""
    if MANUAL_FLAG not in (order.flags or []):
        order.flags = [*(order.flags or []), MANUAL_FLAG]
