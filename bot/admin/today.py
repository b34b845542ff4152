"""今日: open campaigns, urgent needs first, pickups in progress, notices that failed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask import Blueprint, g, render_template
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.admin.needs_board import list_needs
from bot.admin.scope import campaign_filter, community_chats, community_members
from bot.admin.security import Staff
from bot.runtime import runtime
from handlers.statuses import ACTIVE_CAMPAIGNS, GONE_STATUSES, OPEN_NEED_STATUSES, OPEN_STATUSES
from models.campaign import Campaign, Order
from models.messaging import Notice
from models.outbox import dead_letters

bp = Blueprint("today", __name__)

CAMPAIGN_LABELS = {
    "open": "接龙中",
    "closed": "已截单",
    "arrived": "已到货",
    "done": "已结束",
    "cancelled": "已取消",
}


@dataclass(frozen=True, slots=True)
class CampaignSummary:
    """One campaign on the today page with its order counts by status."""

    id: int
    title: str
    status: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        """Orders that still count (not cancelled, withdrawn or rejected)."""
        return sum(n for s, n in self.counts.items() if s not in GONE_STATUSES)

    @property
    def to_confirm(self) -> int:
        """Orders waiting for a worker."""
        return sum(self.counts.get(s, 0) for s in OPEN_STATUSES)

    @property
    def picked(self) -> int:
        """Orders picked up."""
        return self.counts.get("picked_up", 0)


def campaign_summaries(
    db: Session, staff: Staff, statuses: tuple[str, ...]
) -> list[CampaignSummary]:
    """Visible campaigns with these statuses, newest first, with order counts."""
    rows = db.scalars(
        select(Campaign)
        .where(campaign_filter(staff), Campaign.status.in_(statuses))
        .order_by(Campaign.created_at.desc(), Campaign.id.desc())
    ).all()
    counts: dict[int, Counter[str]] = {r.id: Counter() for r in rows}
    stmt = (
        select(Order.campaign_id, Order.status, func.count())
        .where(Order.campaign_id.in_(list(counts)))
        .group_by(Order.campaign_id, Order.status)
    )
    for campaign_id, status, n in db.execute(stmt):
        counts[campaign_id][status] = n
    return [CampaignSummary(r.id, r.title, r.status, dict(counts[r.id])) for r in rows]


def failed_notices(db: Session, staff: Staff, limit: int = 20) -> list[Notice]:
    """Outbox rows that gave up or need a person; workers see those sent to their community."""
    rows = dead_letters(db, limit=200)
    if not staff.is_admin:
        cid = staff.community_id
        mine = set(db.scalars(community_chats(cid))) | set(db.scalars(community_members(cid)))
        rows = [n for n in rows if n.target in mine]
    return rows[:limit]


@bp.get("/")
def index() -> str:
    """The page a worker opens first."""
    with runtime().session_factory() as db:
        campaigns = campaign_summaries(db, g.staff, ACTIVE_CAMPAIGNS)
        needs = list_needs(db, g.staff, OPEN_NEED_STATUSES, limit=50)
        notices = failed_notices(db, g.staff)
    pickups = [c for c in campaigns if c.status == "arrived"]
    return render_template(
        "admin/today.html",
        campaigns=campaigns,
        needs=needs[:10],
        open_needs=len(needs),
        urgent=sum(n.urgent for n in needs),
        pickups=pickups,
        notices=notices,
        labels=CAMPAIGN_LABELS,
    )
