"""What a staff member may see: admins everything, workers their own community.

Rows carry `community_id` when the code that wrote them knew it; older or chat-derived rows
may not, so a row also belongs to a community through its chat or its sender.
"""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import ColumnElement, Select, and_, or_, select, true
from sqlalchemy.orm import Session

from bot.admin.security import Staff
from models.campaign import Campaign
from models.community import Chat, Household, Member
from models.need import Need


def community_chats(community_id: int | None) -> Select[str]:
    """External ids of the community's chats."""
    return select(Chat.external_id).where(Chat.community_id == community_id)


def community_members(community_id: int | None) -> Select[str]:
    """External ids of the community's members."""
    return select(Member.external_id).where(Member.community_id == community_id)


def _owned(column: Any, cid: int | None, *fallbacks: ColumnElement[bool]) -> ColumnElement[bool]:
    if cid is None:
        return column.is_(None)  # type: ignore[no-any-return]
    return or_(column == cid, and_(column.is_(None), or_(*fallbacks)))


def need_filter(staff: Staff) -> ColumnElement[bool]:
    """Needs the staff member may see."""
    if staff.is_admin:
        return true()
    cid = staff.community_id
    return _owned(
        Need.community_id,
        cid,
        Need.chat_id.in_(community_chats(cid)),
        Need.sender_id.in_(community_members(cid)),
    )


def campaign_filter(staff: Staff) -> ColumnElement[bool]:
    """Campaigns the staff member may see."""
    if staff.is_admin:
        return true()
    cid = staff.community_id
    return _owned(Campaign.community_id, cid, Campaign.chat_id.in_(community_chats(cid)))


def household_filter(staff: Staff) -> ColumnElement[bool]:
    """Households the staff member may see."""
    if staff.is_admin:
        return true()
    return (
        Household.community_id.is_(None)
        if staff.community_id is None
        else (Household.community_id == staff.community_id)
    )


def visible_campaign_ids(db: Session, staff: Staff) -> set[int]:
    """Ids of every campaign the staff member may see."""
    return set(db.scalars(select(Campaign.id).where(campaign_filter(staff))))


def require_campaign(db: Session, staff: Staff, campaign_id: int) -> None:
    """404 unless the campaign exists and is visible (no hint that it exists elsewhere)."""
    if campaign_id not in visible_campaign_ids(db, staff):
        abort(404)


def get_need(db: Session, staff: Staff, need_id: int) -> Need:
    """The need if visible, else 404."""
    need = db.scalar(select(Need).where(Need.id == need_id, need_filter(staff)))
    if need is None:
        abort(404)
    return need


def get_household(db: Session, staff: Staff, household_id: int) -> Household:
    """The household if visible, else 404."""
    row = db.scalar(select(Household).where(Household.id == household_id, household_filter(staff)))
    if row is None:
        abort(404)
    return row


def staff_members(db: Session, staff: Staff) -> list[Member]:
    """Workers and admins the staff member may hand work to or filter the log by."""
    stmt = select(Member).where(Member.role.in_(("worker", "admin"))).order_by(Member.id)
    if not staff.is_admin:
        stmt = stmt.where(
            or_(Member.community_id == staff.community_id, Member.id == staff.member_id)
        )
    return list(db.scalars(stmt))
