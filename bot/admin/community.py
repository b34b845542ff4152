"""社区 (community set-up) on the worker page: communities, invitation codes, groups waiting for
a community, and the roster upload with its preview.

Admins add and rename communities and make invitation codes for any of them; a worker sees
their own community, gives waiting groups to it and imports its roster. Every change goes to
the 台账 through the same functions the chat commands and the CLI use.
"""

from __future__ import annotations

import logging
import secrets

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.admin.security import Staff
from bot.roster_import import plan_file
from bot.roster_sheet import MAX_BYTES, RosterFileError
from bot.runtime import runtime
from handlers.household.roster import FIELD_LABELS
from handlers.reach import group_rows
from models.base import parse_row_id, utcnow
from models.community import Chat, Community, RosterUpload
from models.groups_repo import add_wechat_group, name_group
from models.reach import community_chats
from models.roster import apply_roster
from models.setup_repo import (
    INVITE_HOURS,
    SetupError,
    add_community,
    assign_chat_to,
    create_invitation,
    list_communities,
    rename_community,
    waiting_groups,
)

log = logging.getLogger(__name__)

bp = Blueprint("community", __name__)
UPLOAD_ENDPOINT = "admin.community.roster_upload"
UPLOAD_MAX_BYTES = MAX_BYTES + 64 * 1024  # the sheet and the form around it
ROLE_NAMES = {"worker": "工作人员", "admin": "管理员"}


def require_admin() -> None:
    """403 for workers: only an admin changes communities or makes codes."""
    if not g.staff.is_admin:
        abort(403, description="只有管理员能这样做。")


def community_for(db: Session, staff: Staff, community_id: int) -> Community:
    """The community if the staff member may act for it, else 404."""
    row = db.get(Community, community_id)
    if row is None or not (staff.is_admin or staff.community_id == row.id):
        abort(404)
    return row


def _form_int(name: str) -> int:
    value = parse_row_id(request.form.get(name, ""))
    if value is None:  # not digits, or past what the database stores: no such row
        abort(400, description="请选择社区。")
    return value


@bp.get("/community")
def index(code: str = "", code_for: str = "") -> str:
    """Communities, waiting groups, invitation codes and the roster upload."""
    with runtime().session_factory() as db:
        rows = [c for c in list_communities(db) if g.staff.is_admin or c.id == g.staff.community_id]
        groups = waiting_groups(db)
        owned = {c.id: group_rows(community_chats(db, c.id)) for c in rows}
    return render_template(
        "admin/community.html",
        communities=rows,
        groups=groups,
        owned=owned,
        code=code,
        code_for=code_for,
        roles=ROLE_NAMES,
        hours=INVITE_HOURS,
        max_mb=MAX_BYTES // (1024 * 1024),
    )


@bp.post("/community")
def add() -> ResponseReturnValue:
    """Add a community (admins)."""
    require_admin()
    try:
        with runtime().session_factory.begin() as db:
            row = add_community(db, request.form.get("name", ""), g.staff.actor, utcnow())
            flash(f"已添加社区：{row.name}")
    except SetupError as exc:
        flash(str(exc))
    return redirect(url_for("admin.community.index"))


@bp.post("/community/<int:community_id>/name")
def rename(community_id: int) -> ResponseReturnValue:
    """Rename a community (admins)."""
    require_admin()
    try:
        with runtime().session_factory.begin() as db:
            old = community_for(db, g.staff, community_id).name
            row = rename_community(db, old, request.form.get("name", ""), g.staff.actor, utcnow())
            flash(f"已改名：{old} → {row.name}")
    except SetupError as exc:
        flash(str(exc))
    return redirect(url_for("admin.community.index"))


@bp.post("/community/invite")
def invite() -> ResponseReturnValue:
    """A one-time code, shown on this page once (admins)."""
    require_admin()
    role = request.form.get("role", "worker")
    hours = request.form.get("hours", str(INVITE_HOURS))
    try:
        with runtime().session_factory.begin() as db:
            community = community_for(db, g.staff, _form_int("community_id"))
            code, _ = create_invitation(
                db, community, role, g.staff.actor, utcnow(), int(hours) if hours.isdigit() else 0
            )
            label = f"{community.name}的{ROLE_NAMES.get(role, role)}"
    except SetupError as exc:
        flash(str(exc))
        return redirect(url_for("admin.community.index"))
    return index(code=code, code_for=label)


@bp.post("/community/groups/<int:chat_id>")
def assign(chat_id: int) -> ResponseReturnValue:
    """Give a waiting group to a community (a worker: their own)."""
    with runtime().session_factory.begin() as db:
        community = community_for(db, g.staff, _form_int("community_id"))
        chat = db.get(Chat, chat_id)
        if chat is None or chat.community_id is not None:
            flash("这个群已经有归属了。")
            return redirect(url_for("admin.community.index"))
        heard = assign_chat_to(db, chat, community, g.staff.actor, utcnow())
        title = chat.title or chat.external_id
        flash(f"「{title}」已归属{community.name}，之前的{heard}条消息已计入。")
    return redirect(url_for("admin.community.index"))


@bp.post("/community/<int:community_id>/groups")
def add_group(community_id: int) -> ResponseReturnValue:
    """An ordinary WeChat group of the community (Linli lists it for forwarding)."""
    try:
        with runtime().session_factory.begin() as db:
            community = community_for(db, g.staff, community_id)
            row = add_wechat_group(
                db, community, request.form.get("title", ""), g.staff.actor, utcnow()
            )
            flash(f"已添加普通微信群「{row.title}」：开团时接龙会附在回复里，请转发到这个群。")
    except SetupError as exc:
        flash(str(exc))
    return redirect(url_for("admin.community.index"))


@bp.post("/community/groups/<int:chat_id>/name")
def rename_group(chat_id: int) -> ResponseReturnValue:
    """The name workers know a group by (so 开团 … 发到：name finds it)."""
    try:
        with runtime().session_factory.begin() as db:
            chat = db.get(Chat, chat_id)
            if chat is None or chat.community_id is None:
                abort(404)
            community_for(db, g.staff, chat.community_id)
            row = name_group(db, chat, request.form.get("title", ""), g.staff.actor, utcnow())
            flash(f"群已改名为「{row.title}」。")
    except SetupError as exc:
        flash(str(exc))
    return redirect(url_for("admin.community.index"))


@bp.post("/community/roster")
def roster_upload() -> ResponseReturnValue:
    """Keep the uploaded sheet and show what importing it would do."""
    upload = request.files.get("file")
    data = upload.read(MAX_BYTES + 1) if upload else b""
    if not data:
        flash("请选择住户名单文件（.xlsx）。")
        return redirect(url_for("admin.community.index"))
    token = secrets.token_urlsafe(24)
    with runtime().session_factory.begin() as db:
        community = community_for(db, g.staff, _form_int("community_id"))
        try:
            plan_file(db, community, data, request.form.get("sheet", "").strip())
        except RosterFileError as exc:
            flash(str(exc))
            return redirect(url_for("admin.community.index"))
        db.execute(delete(RosterUpload).where(RosterUpload.created_by == g.staff.actor))
        db.add(
            RosterUpload(
                token=token,
                community_id=community.id,
                filename=(upload.filename or "")[:200] if upload else "",
                data=data,
                created_by=g.staff.actor,
                created_at=utcnow(),
            )
        )
    return redirect(url_for("admin.community.roster_preview", token=token))


def _upload(db: Session, token: str) -> RosterUpload:
    row = db.scalar(
        select(RosterUpload).where(
            RosterUpload.token == token, RosterUpload.created_by == g.staff.actor
        )
    )
    if row is None:
        abort(404, description="这份上传已导入或已过期，请重新上传。")
    return row


@bp.get("/community/roster/<token>")
def roster_preview(token: str) -> str:
    """The preview: columns found, rows placed and merged, rows to review, flags read."""
    with runtime().session_factory() as db:
        upload = _upload(db, token)
        community = community_for(db, g.staff, upload.community_id)
        plan = plan_file(db, community, upload.data)
        filename = upload.filename
    return render_template(
        "admin/roster.html", plan=plan, token=token, filename=filename, labels=FIELD_LABELS
    )


@bp.post("/community/roster/<token>")
def roster_import(token: str) -> ResponseReturnValue:
    """Import the previewed sheet in one transaction; the upload is dropped."""
    with runtime().session_factory.begin() as db:
        upload = _upload(db, token)
        community = community_for(db, g.staff, upload.community_id)
        plan = plan_file(db, community, upload.data)
        apply_roster(db, plan, g.staff.actor, utcnow())
        db.delete(upload)
    c = plan.counts
    flash(
        f"已导入{community.name}住户名单：新住户 {c['new']} 户，并入 {c['merge']} 户，"
        f"没有变化 {c['same']} 户，待核实 {c['review']} 行。"
        if plan.changed
        else "名单与已导入的一致，没有改动。"
    )
    return redirect(url_for("admin.households.index"))
