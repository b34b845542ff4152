"""Where a notice about an order goes: the resident 1:1 within the 公众号 window, or the group."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.campaign import Campaign, Order
from models.community import Household, Member
from models.notices import IN_CHUNK, chat_channel, chat_channels, pick_channel

SHANGHAI = ZoneInfo("Asia/Shanghai")
MENTION_CONSENT_FLAG = "同意@提醒"  # in Household.flags: the resident agreed to be @-mentioned
MANUAL_FLAG = "需人工通知"  # in Order.flags: a worker must reach the household in person

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Destination:
    """Where to send; `personal` means 1:1, `manual` means a worker must also reach them."""

    channel: str
    target: str
    personal: bool = False
    manual: bool = False
    mention_mobile: str | None = None


def group_destination(session: Session, chat_id: str, channel: str = "") -> Destination:
    """The campaign's group: on `channel` (the campaign's) when the chat is registered there,
    else on the channel it was registered on first; an unknown chat on `channel`, or the
    simulator when none is given."""
    return Destination(chat_channel(session, chat_id, channel) or channel or "sim", chat_id)


@dataclass(frozen=True, slots=True)
class Residents:
    """What choosing a destination needs about the households of many orders, read in bulk.

    `groups` are the channels each group chat is registered on (registration order);
    `followers` are each household's 公众号 members as (open id, last message), by member id;
    `households` keeps the rows in the session, so `address` finds them without a query.
    """

    groups: dict[str, list[str]]
    followers: dict[int, list[tuple[str, datetime | None]]]
    households: dict[int, Household]


def load_residents(
    session: Session, chat_ids: Collection[str], household_ids: Collection[int]
) -> Residents:
    """Group destinations, 公众号 followers and households in a few queries (IN chunks)."""
    groups = chat_channels(session, chat_ids)
    followers: dict[int, list[tuple[str, datetime | None]]] = {}
    households: dict[int, Household] = {}
    for ids in chunked(sorted(set(household_ids))):
        members = session.execute(
            select(Member.household_id, Member.external_id, Member.last_message_at)
            .where(Member.household_id.in_(ids), Member.channel == "mp")
            .order_by(Member.id)
        )
        for household_id, external_id, last_at in members:
            if household_id is not None:  # always, by the IN; for the type checker
                followers.setdefault(household_id, []).append((external_id, last_at))
        rows = session.scalars(select(Household).where(Household.id.in_(ids)))
        households.update((h.id, h) for h in rows)
    return Residents(groups, followers, households)


def chunked(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """Slices of at most `size`, so an IN list stays under every driver's parameter limit."""
    for at in range(0, len(items), size):
        yield items[at : at + size]


def resident_destination(
    residents: Residents, order: Order, campaign: Campaign, now: datetime, window: timedelta
) -> Destination:
    """1:1 on the 公众号 when a household member wrote within the window; otherwise the group,
    flagged 需人工通知 when the resident follows the 公众号 but the window has closed."""
    channel = pick_channel(residents.groups.get(campaign.chat_id, []), campaign.channel)
    group = Destination(channel or campaign.channel or "sim", campaign.chat_id)
    if order.household_id is None:
        return group
    followers = residents.followers.get(order.household_id, [])
    open_ = [open_id for open_id, last in followers if last and last + window > now]
    if open_:
        return Destination("mp", open_[0], personal=True)
    household = residents.households.get(order.household_id)
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
