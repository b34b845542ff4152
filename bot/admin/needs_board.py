"""Needs board (需求): by status, urgent and vulnerable first; take, transfer, done; a chart.

Take, transfer and done go through `SqlNeedRepo`, as the chat commands (接单, 转, 完成) do, so
the need changes the same way and leaves the same 台账 row whichever way a worker acted.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, tzinfo
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from bot.admin.charts import Chart, stacked_columns
from bot.admin.scope import get_need, need_filter, staff_members
from bot.admin.security import Staff
from bot.runtime import runtime
from handlers import texts
from handlers.needs.commands import tell_done, tell_taken
from handlers.needs.repo import CATEGORIES
from handlers.statuses import OPEN_NEED_STATUSES
from handlers.types import Notify
from models.base import utcnow
from models.need import Need
from models.needs_repo import SqlNeedRepo
from models.notices import queue_notice

bp = Blueprint("needs", __name__)

STATUS_LABELS = texts.NEED_STATUS_LABELS  # the words chat uses too
CHART_DAYS = 14


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


def needs_chart(db: Session, staff: Staff, now: datetime, tz: tzinfo) -> Chart:
    """Needs per day (days of `tz`) by category over the last two weeks."""
    start = (now.astimezone(tz) - timedelta(days=CHART_DAYS - 1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    rows = db.execute(
        select(Need.created_at, Need.category).where(need_filter(staff), Need.created_at >= start)
    ).all()
    per_day: dict[str, Counter[str]] = {
        (start + timedelta(days=i)).strftime("%m-%d"): Counter() for i in range(CHART_DAYS)
    }
    for created_at, category in rows:
        day = created_at.astimezone(tz).strftime("%m-%d")
        if day in per_day:
            per_day[day][category] += 1
    used = [c for c in CATEGORIES if any(d[c] for d in per_day.values())]
    return stacked_columns("每天的需求（按类别）", list(per_day.items()), used)


def _tell_resident(db: Session, notice: Notify, need_id: int, key: str) -> None:
    """Queue a resident notice built by handlers.needs.commands, as the chat commands do."""
    if notice.channel:
        dedupe_key = f"admin:need:{need_id}:{key}"
        queue_notice(db, notice.channel, notice.chat_id, notice.text, dedupe_key)


def take(db: Session, staff: Staff, need_id: int, now: datetime) -> None:
    """接单: the staff member takes the need (the repository writes the 台账 row); the resident
    hears the words of the `接单` command."""
    taken = SqlNeedRepo(db).take_need(need_id, staff.actor, now)
    _tell_resident(db, tell_taken(taken, staff.name), need_id, f"take:{staff.actor}")


def transfer(db: Session, staff: Staff, need: Need, to_actor: str, now: datetime) -> None:
    """转: hand the need to another worker of the community; as with the `转` command, a need
    nobody had taken yet tells the resident who has it now."""
    colleagues = {m.external_id: m for m in staff_members(db, staff)}
    if to_actor not in colleagues:
        abort(400, description="只能转给本社区的工作人员。")
    was_new = need.status == "new"
    moved = SqlNeedRepo(db).transfer_need(need.id, to_actor, staff.actor, now)
    if was_new:
        name = colleagues[to_actor].display_name or to_actor
        _tell_resident(db, tell_taken(moved, name), need.id, f"take:{to_actor}")


def finish(db: Session, staff: Staff, need_id: int, note: str, now: datetime) -> None:
    """完成: resolve with a note (the repository writes the 台账 row); the resident is told."""
    done = SqlNeedRepo(db).resolve_need(need_id, note, staff.actor, now)
    # the same words as the chat's 完成: the note (it may hold an address) only in a 1:1 chat
    _tell_resident(db, tell_done(done), need_id, "done")


@bp.get("/needs")
def index() -> str:
    """The board for one status tab (default: every open need)."""
    tab = request.args.get("status", "open")
    statuses = OPEN_NEED_STATUSES if tab not in STATUS_LABELS else (tab,)
    with runtime().session_factory() as db:
        needs = list_needs(db, g.staff, statuses)
        counts = status_counts(db, g.staff)
        workers = staff_members(db, g.staff)
        chart = needs_chart(db, g.staff, utcnow(), runtime().settings.zone)
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
            take(db, g.staff, need.id, now)
        elif action == "transfer":
            transfer(db, g.staff, need, request.form.get("to", ""), now)
        elif action == "done":
            finish(db, g.staff, need.id, request.form.get("note", "").strip()[:500], now)
        else:
            abort(400, description="未知操作。")
    flash(f"需求 {need_id} 已更新。")
    return redirect(url_for("admin.needs.index", status=request.form.get("tab", "open")))
