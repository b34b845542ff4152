"""台账: the audit log page (filter by record or worker) and the page's own audit writes."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, render_template, request
from sqlalchemy import ColumnElement, String, and_, cast, or_, select, true
from sqlalchemy.orm import Session

from bot.admin.scope import (
    campaign_filter,
    community_members,
    household_filter,
    need_filter,
    staff_members,
)
from bot.admin.security import Staff
from bot.runtime import runtime
from models.audit import AuditLog, write_audit
from models.base import utcnow
from models.campaign import Campaign, Order
from models.community import Household
from models.need import Need

bp = Blueprint("audit", __name__)

PAGE_ROWS = 200


def record_audit(
    db: Session,
    staff: Staff,
    action: str,
    record_type: str,
    record_id: int | str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """One 台账 row for a change made on the worker page (in the caller's transaction)."""
    write_audit(db, staff.actor, action, record_type, str(record_id), before, after, utcnow())


def _ids(stmt: Any) -> Any:
    return select(cast(stmt.subquery().c[0], String))


def audit_scope(staff: Staff) -> ColumnElement[bool]:
    """Rows a worker may read: by people of the community, or about records it may see."""
    if staff.is_admin:
        return true()
    visible_orders = (
        select(Order.id)
        .join(Campaign, Campaign.id == Order.campaign_id)
        .where(campaign_filter(staff))
    )

    def about(kind: str, ids: Any) -> ColumnElement[bool]:
        return and_(AuditLog.record_type == kind, AuditLog.record_id.in_(_ids(ids)))

    return or_(
        AuditLog.actor.in_(community_members(staff.community_id)),
        about("campaign", select(Campaign.id).where(campaign_filter(staff))),
        about("order", visible_orders),
        about("need", select(Need.id).where(need_filter(staff))),
        about("household", select(Household.id).where(household_filter(staff))),
    )


def audit_rows(
    db: Session, staff: Staff, record_type: str, record_id: str, actor: str
) -> list[AuditLog]:
    """Newest first, filtered."""
    stmt = select(AuditLog).where(audit_scope(staff))
    if record_type:
        stmt = stmt.where(AuditLog.record_type == record_type)
    if record_id:
        stmt = stmt.where(AuditLog.record_id == record_id)
    if actor:
        stmt = stmt.where(AuditLog.actor == actor)
    return list(db.scalars(stmt.order_by(AuditLog.at.desc(), AuditLog.id.desc()).limit(PAGE_ROWS)))


@bp.get("/audit")
def index() -> str:
    """The log with its filters."""
    record_type = request.args.get("type", "").strip()
    record_id = request.args.get("id", "").strip()
    actor = request.args.get("actor", "").strip()
    with runtime().session_factory() as db:
        rows = audit_rows(db, g.staff, record_type, record_id, actor)
        workers = staff_members(db, g.staff)
        types = sorted(set(db.scalars(select(AuditLog.record_type).distinct())))
    names = {w.external_id: w.display_name or w.external_id for w in workers}
    return render_template(
        "admin/audit.html",
        rows=rows,
        workers=workers,
        names=names,
        types=types,
        record_type=record_type,
        record_id=record_id,
        actor=actor,
    )
