"""xlsx downloads of a campaign: the three 团购 sheets (bot.exports) and the 收款表.

Each download is scoped like the campaign page (404 for a campaign the worker cannot see) and
leaves a 台账 row: the sheets carry residents' names, addresses and money.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, g, url_for

from bot.admin.audit import record_audit
from bot.admin.scope import require_campaign
from bot.exports import DOWNLOADS, export, workbook_bytes
from bot.money_sheet import money_workbook
from bot.runtime import runtime
from handlers.money.ops import money_of
from models.campaigns_repo import SqlCampaignRepo

bp = Blueprint("exports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/campaigns/<int:campaign_id>/export/<kind>.xlsx")
def download(campaign_id: int, kind: str) -> Response:
    """One sheet of the campaign as an xlsx download."""
    if kind not in DOWNLOADS:
        abort(404)
    tz = runtime().settings.zone
    with runtime().session_factory.begin() as db:
        require_campaign(db, g.staff, campaign_id)
        repo = SqlCampaignRepo(db)
        campaign = repo.get_campaign(campaign_id)
        if campaign is None:
            abort(404)
        if kind == "money":
            workbook = money_workbook(campaign, money_of(repo, campaign), tz)
        else:
            workbook = export(repo, campaign_id, kind, tz)
        if workbook is None:
            abort(404)
        record_audit(db, g.staff, "campaign.export", "campaign", campaign_id, None, {"sheet": kind})
    name = f"{campaign.title}-{DOWNLOADS[kind]}.xlsx"
    response = Response(workbook_bytes(workbook), mimetype=XLSX)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=campaign-{campaign_id}-{kind}.xlsx; filename*=UTF-8''{quote(name)}"
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def export_links(campaign_id: int) -> list[tuple[str, str]]:
    """(label, url) of each sheet, for the campaign page."""
    return [
        (label, url_for("admin.exports.download", campaign_id=campaign_id, kind=kind))
        for kind, label in DOWNLOADS.items()
    ]
