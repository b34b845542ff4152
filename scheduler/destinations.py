"""What the scheduler's notices say where: addresses and slot times in local time.

Where a notice about a resident goes is decided by the one rule in `handlers.reach`
(`reach_order`), with the facts `models.reach.ResidentReach` reads (1:1 inside the 公众号
window, else the group the order came from, else 需人工通知 for the workers) — the same rule
chat commands and the page use.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from sqlalchemy.orm import Session

from handlers.community.values import Destination
from handlers.household.repo import MENTION_CONSENT_FLAG
from models.community import Household
from models.notices import chat_channel
from models.reach import (
    MANUAL_FLAG,
    ResidentReach,
    chunked,
    flag_manual,
)

__all__ = [
    "MANUAL_FLAG",
    "MENTION_CONSENT_FLAG",
    "Destination",
    "ResidentReach",
    "address",
    "chunked",
    "flag_manual",
    "group_destination",
    "slot_label",
]


def group_destination(session: Session, chat_id: str, channel: str = "") -> Destination:
    """A group: on `channel` when the chat is registered there, else on the channel it was
    registered on first; an unknown chat on `channel`, or the simulator when none is given."""
    return Destination(chat_channel(session, chat_id, channel) or channel or "sim", chat_id)


def address(session: Session, household_id: int | None) -> str:
    """3号楼2单元201 style, from the household (empty parts left out)."""
    household = session.get(Household, household_id) if household_id is not None else None
    if household is None:
        return "住户"
    parts = [(household.building, "号楼"), (household.unit, "单元"), (household.room, "")]
    return "".join(f"{value}{suffix}" for value, suffix in parts if value) or "住户"


def slot_label(start: datetime, end: datetime, tz: tzinfo) -> str:
    """15:00–15:30 in `tz`, the configured zone."""
    return f"{start.astimezone(tz):%H:%M}–{end.astimezone(tz):%H:%M}"
