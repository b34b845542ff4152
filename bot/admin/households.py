"""Households (住户): flags workers set, the resident's @-mention consent, who registered, and
the audited phone reveal."""

from __future__ import annotations

import json
from collections import defaultdict

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import Select, Text, func, select, type_coerce
from sqlalchemy.orm import Session

from bot.admin.audit import record_audit
from bot.admin.scope import get_household, household_filter
from bot.admin.security import Staff
from bot.runtime import runtime
from handlers.household.repo import MENTION_CONSENT_FLAG, care_flags
from models.base import utcnow
from models.community import Household, Member
from models.consent import set_consent

bp = Blueprint("households", __name__)

FLAGS = ("独居老人", "行动不便", "居家隔离", "孕妇", "残疾", "慢性病")
PAGE_ROWS = 300
# How JSONText stores a household whose only flag is the consent: no 重点户 for the filter.
_ONLY_CONSENT = json.dumps([MENTION_CONSENT_FLAG], ensure_ascii=False)


def household_query(staff: Staff, building: str, flagged: bool) -> Select[Household]:
    """Visible households, by address; optionally one building or only 重点户 (a vulnerability
    flag; the @-mention consent alone does not count)."""
    stmt = select(Household).where(household_filter(staff), Household.purged_at.is_(None))
    if building:
        stmt = stmt.where(Household.building == building)
    if flagged:
        flags = type_coerce(Household.flags, Text)
        stmt = stmt.where(flags.is_not(None), flags.not_in(["[]", "", _ONLY_CONSENT]))
    return stmt.order_by(
        func.length(Household.building),
        Household.building,
        Household.unit,
        func.length(Household.room),
        Household.room,
    )


def registrations(db: Session, household_ids: list[int]) -> dict[int, list[Member]]:
    """Members registered to each household."""
    found: dict[int, list[Member]] = defaultdict(list)
    if household_ids:
        for m in db.scalars(select(Member).where(Member.household_id.in_(household_ids))):
            if m.household_id is not None:
                found[m.household_id].append(m)
    return found


def buildings(db: Session, staff: Staff) -> list[str]:
    """Distinct buildings of visible households, in natural order."""
    rows = db.scalars(select(Household.building).where(household_filter(staff)).distinct())
    return sorted((b for b in rows if b), key=lambda b: (len(b), b))


@bp.get("/households")
def index() -> str:
    """The household list with flags and registrations."""
    building = request.args.get("building", "").strip()
    flagged = request.args.get("flagged") == "1"
    with runtime().session_factory() as db:
        rows = list(db.scalars(household_query(g.staff, building, flagged).limit(PAGE_ROWS)))
        members = registrations(db, [h.id for h in rows])
        all_buildings = buildings(db, g.staff)
    return render_template(
        "admin/households.html",
        households=rows,
        members=members,
        buildings=all_buildings,
        building=building,
        flagged=flagged,
        flags=FLAGS,
        consent_flag=MENTION_CONSENT_FLAG,
    )


@bp.post("/households/<int:household_id>/flags")
def set_flags(household_id: int) -> ResponseReturnValue:
    """Replace the household's flags with the ticked ones (known flags only), and record the
    resident's @-mention consent when the worker changed its box; each change audited."""
    chosen = [f for f in FLAGS if f in request.form.getlist("flag")]
    with runtime().session_factory.begin() as db:
        row = get_household(db, g.staff, household_id)
        _save_flags(db, g.staff, row, chosen)
        wanted = request.form.get("mention") == "1"
        if wanted != (request.form.get("mention_was") == "1"):  # only what this form changed
            set_consent(db, row, wanted, g.staff.actor, utcnow())
    flash("已保存住户标记。")
    return redirect(url_for("admin.households.index", building=request.form.get("building", "")))


def _save_flags(db: Session, staff: Staff, row: Household, chosen: list[str]) -> None:
    """The vulnerability flags: the ticked ones replace the known ones; others are kept."""
    before = list(care_flags(row.flags))
    row.flags = [f for f in row.flags or [] if f not in FLAGS] + chosen
    after = list(care_flags(row.flags))
    if before != after:
        record_audit(
            db, staff, "household.flags", "household", row.id, {"flags": before}, {"flags": after}
        )


@bp.post("/households/<int:household_id>/phone")
def reveal_phone(household_id: int) -> str:
    """Show the full phone number once, and write who looked into the audit log."""
    with runtime().session_factory.begin() as db:
        row = get_household(db, g.staff, household_id)
        record_audit(db, g.staff, "household.phone_revealed", "household", row.id)
        address = "-".join(p for p in (row.building, row.unit, row.room) if p)
        phone, name = row.phone or "", row.name or ""
    back = request.form.get("back", "")
    return render_template(
        "admin/reveal.html",
        phone=phone,
        name=name,
        address=address,
        back=back if back.startswith("/admin") and "//" not in back else "",
    )
