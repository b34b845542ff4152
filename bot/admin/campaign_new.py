"""开团 on the worker page: the same text as in chat, the community's groups ticked (all by
default), and the one rule of `handlers.campaign.opening` — the page only gathers the choices."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.admin.security import Staff, admin_now
from bot.runtime import runtime
from handlers import texts
from handlers.campaign.opening import OpenRequest, open_campaign
from handlers.campaign.parse import is_open_command
from handlers.community.values import GroupRef
from handlers.reach import groups_of
from models.community import Community, Member
from models.reach import community_chats
from models.repos import sql_context

bp = Blueprint("campaign_new", __name__)
MAX_TEXT = 4000


def communities_for(db: Session, staff: Staff) -> list[Community]:
    """The communities this staff member may open a campaign in."""
    stmt = select(Community).order_by(Community.id)
    if not staff.is_admin:
        stmt = stmt.where(Community.id == staff.community_id)
    return list(db.scalars(stmt))


def _chosen_community(communities: list[Community], raw: str) -> Community | None:
    """The community asked for (admins choose), else the first the staff member may use."""
    wanted = int(raw) if raw.isdigit() and len(raw) < 10 else None
    for c in communities:
        if wanted is None or c.id == wanted:
            return c
    return None


def _render(db: Session, community: Community | None, text: str, error: str = "") -> str:
    communities = communities_for(db, g.staff)
    groups: list[GroupRef] = groups_of(community_chats(db, community.id)) if community else []
    return render_template(
        "admin/campaign_new.html",
        communities=communities,
        community=community,
        groups=groups,
        text=text,
        error=error,
        usage=texts.CAMPAIGN_OPEN_USAGE,
    )


@bp.get("/campaigns/new")
def form() -> str:
    """The 开团 form: the community (admins choose) and its groups, all ticked."""
    with runtime().session_factory() as db:
        community = _chosen_community(
            communities_for(db, g.staff), request.args.get("community", "")
        )
        return _render(db, community, "")


@bp.post("/campaigns/new")
def create() -> ResponseReturnValue:
    """Open the campaign and announce it; a refusal keeps the text on the form."""
    text = request.form.get("text", "").strip()[:MAX_TEXT]
    ticked = tuple(dict.fromkeys(v for v in request.form.getlist("chat") if v))
    with runtime().session_factory.begin() as db:
        community = _chosen_community(
            communities_for(db, g.staff), request.form.get("community_id", "")
        )
        if community is None:
            abort(400, description="请先在“社区”页加入一个社区。")
        member = db.get_one(Member, g.staff.member_id)
        req = OpenRequest(
            member.channel, member.external_id, member.external_id, False, community.id, ticked
        )
        now = admin_now()
        command = text if is_open_command(text) else "开团 " + text
        opened = open_campaign(
            req, command, sql_context(db, runtime().settings.zone, member.channel, lambda: now)
        )
        if opened.campaign is None:
            return _render(db, community, text, opened.reply)
        campaign_id = opened.campaign.id
    flash(opened.reply)
    return redirect(url_for("admin.campaigns.show", campaign_id=campaign_id))
