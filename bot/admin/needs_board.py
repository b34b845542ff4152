"""Needs board (需求): by status, urgent and vulnerable first; take, transfer, done; a chart."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from bot.admin.audit import record_audit
from bot.admin.charts import Chart, stacked_columns
from bot.admin.scope import get_need, need_filter, staff_members
from bot.admin.security import Staff
from bot.effects import queue_notice
from bot.runtime import runtime
from handlers import texts
from handlers.needs_store import CATEGORIES
from models.base import utcnow
from models.need import Need

bp = Blueprint("needs", __name__)

STATUS_LABELS = {
    "new": "未接单",
    "acknowledged": "已接单",
    "in_progress": "处理中",
    "resolved": "已完成",
}
OPEN = ("new", "acknowledged", "in_progress")
CHART_DAYS = 14
SHANGHAI = ZoneInfo("Asia/Shanghai")


def board_order() -> tuple[Any, ...]:
    """Urgent first, then needs for vulnerable people, then oldest first."""
    return (
        Need.urgent.desc(),
        case((Need.for_whom.is_(None), 1), else_=0),
        Need.created_at,
        Need.id,
    )


def list_needs(
    db: Session, staff: Staff, statuses: tuple[str, ...], limit: int = 300
) -> list[Need]:
    """Visible needs with these statuses, in board order."""
    stmt = select(Need).where(need_filter(staff), Need.status.in_(statuses))
    return list(db.scalars(stmt.order_by(*board_order()).limit(limit)))


def status_counts(db: Session, staff: Staff) -> dict[str, int]:
    """How many visible needs each status has."""
    counts = Counter(db.scalars(select(Need.status).where(need_filter(staff))))
    return {s: counts.get(s, 0) for s in STATUS_LABELS}


def needs_chart(db: Session, staff: Staff, now: datetime) -> Chart:
    """Needs per day by category over the last two weeks."""
    start = (now.astimezone(SHANGHAI) - timedelta(days=CHART_DAYS - 1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    rows = db.execute(
        select(Need.created_at, Need.category).where(need_filter(staff), Need.created_at >= start)
    ).all()
    per_day: dict[str, Counter[str]] = {
        (start + timedelta(days=i)).strftime("%m-%d"): Counter() for i in range(CHART_DAYS)
    }
    for created_at, category in rows:
        day = created_at.astimezone(SHANGHAI).strftime("%m-%d")
        if day in per_day:
            per_day[day][category] += 1
    used = [c for c in CATEGORIES if any(d[c] for d in per_day.values())]
    return stacked_columns("每天的需求（按类别）", list(per_day.items()), used)


def _tell_resident(db: Session, need: Need, text: str, key: str) -> None:
    if need.channel:
        queue_notice(db, need.channel, need.chat_id, text, f"admin:need:{need.id}:{key}")


def take(db: Session, staff: Staff, need: Need, now: datetime) -> None:
    """接单: the staff member takes the need; the resident is told."""
    before = {"status": need.status, "assignee": need.assignee_id}
    need.assignee_id = staff.actor
    need.status = "acknowledged" if need.status == "new" else need.status
    need.acknowledged_at = need.acknowledged_at or now
    record_audit(
        db,
        staff,
        "need.take",
        "need",
        need.id,
        before,
        {"status": need.status, "assignee": need.assignee_id},
    )
    _tell_resident(
        db,
        need,
        texts.ADMIN_NEED_TAKEN.format(id=need.id, worker=staff.name),
        f"take:{staff.actor}",
    )


def transfer(db: Session, staff: Staff, need: Need, to_actor: str, now: datetime) -> None:
    """转: hand the need to another worker of the community."""
    if to_actor not in {m.external_id for m in staff_members(db, staff)}:
        abort(400, description="只能转给本社区的工作人员。")
    before = {"status": need.status, "assignee": need.assignee_id}
    need.assignee_id = to_actor
    need.status = "acknowledged" if need.status == "new" else need.status
    need.acknowledged_at = need.acknowledged_at or now
    record_audit(
        db,
        staff,
        "need.transfer",
        "need",
        need.id,
        before,
        {"status": need.status, "assignee": to_actor},
    )


def finish(db: Session, staff: Staff, need: Need, note: str, now: datetime) -> None:
    """完成: resolve with a note; the resident is told."""
    before = {"status": need.status, "resolution": need.resolution}
    need.status, need.resolution, need.resolved_at = "resolved", note or None, now
    need.assignee_id = need.assignee_id or staff.actor
    record_audit(
        db,
        staff,
        "need.done",
        "need",
        need.id,
        before,
        {"status": "resolved", "resolution": need.resolution},
    )
    suffix = f"处理说明：{note}。" if note else ""
    _tell_resident(db, need, texts.ADMIN_NEED_DONE.format(id=need.id, note=suffix), "done")


@bp.get("/needs")
def index() -> str:
    """The board for one status tab (default: every open need)."""
    tab = request.args.get("status", "open")
    statuses = OPEN if tab not in STATUS_LABELS else (tab,)
    with runtime().session_factory() as db:
        needs = list_needs(db, g.staff, statuses)
        counts = status_counts(db, g.staff)
        workers = staff_members(db, g.staff)
        chart = needs_chart(db, g.staff, utcnow())
    names = {w.external_id: w.display_name or w.external_id for w in workers}
    return render_template(
        "admin/needs.html",
        needs=needs,
        counts=counts,
        tab=tab,
        labels=STATUS_LABELS,
        workers=workers,
        names=names,
        chart=chart,
    )


@bp.post("/needs/<int:need_id>")
def act(need_id: int) -> ResponseReturnValue:
    """One of take / transfer / done on one need."""
    action, now = request.form.get("action", ""), utcnow()
    with runtime().session_factory.begin() as db:
        need = get_need(db, g.staff, need_id)
        if need.status == "resolved":
            abort(409, description="这条需求已经完成了。")
        if action == "take":
            take(db, g.staff, need, now)
        elif action == "transfer":
            transfer(db, g.staff, need, request.form.get("to", ""), now)
        elif action == "done":
            finish(db, g.staff, need, request.form.get("note", "").strip()[:500], now)
        else:
            abort(400, description="未知操作。")
    flash(f"需求 {need_id} 已更新。")
    return redirect(url_for("admin.needs.index", status=request.form.get("tab", "open")))
