"""xlsx downloads of a campaign: the three 团购 sheets (bot.exports) and the 收款表 (issue 17).

The campaign page listed these links before any route served them; this blueprint serves
them to a worker who may see the campaign (404 otherwise), never cached.
"""

from __future__ import annotations

from io import BytesIO

from flask import Blueprint, Response, abort, send_file

from bot.admin.campaigns import load
from bot.exports import DOWNLOADS, export, workbook_bytes
from bot.money_sheet import money_workbook
from bot.runtime import runtime
from handlers.money_ops import money_of

bp = Blueprint("exports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/campaigns/<int:campaign_id>/export/<kind>.xlsx")
def sheet(campaign_id: int, kind: str) -> Response:
    """One sheet of the campaign as an .xlsx download."""
    if kind not in DOWNLOADS:
        abort(404)
    with runtime().session_factory() as db:
        repo, campaign = load(db, campaign_id)
        wb = money_workbook(campaign, money_of(repo, campaign)) if kind == "money" else None
        wb = wb or export(repo, campaign_id, kind)
    if wb is None:
        abort(404)
    return send_file(
        BytesIO(workbook_bytes(wb)),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"{campaign.title}-{DOWNLOADS[kind]}.xlsx",
    )
