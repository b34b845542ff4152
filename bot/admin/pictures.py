"""The crop of a picture a 接龙 entry was read from, for the worker checking a 待核实 line."""

from __future__ import annotations

import io

from flask import Blueprint, Response, abort, g
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.admin.scope import require_campaign
from bot.pictures.decode import PictureError, decode_picture
from bot.runtime import runtime
from models.chain import Chain, ChainEntry
from models.picture import PictureEntry
from models.pictures_repo import picture_crop

bp = Blueprint("pictures", __name__)

MARGIN = 16  # px of the picture kept around the line, so the worker sees its neighbours too


@bp.get("/campaigns/<int:campaign_id>/entries/<int:entry_id>/picture.png")
def entry_crop(campaign_id: int, entry_id: int) -> Response:
    """The lines of the picture that gave this entry (404 unless the entry is the campaign's)."""
    with runtime().session_factory() as db:
        require_campaign(db, g.staff, campaign_id)
        picture_id = _picture_of(db, campaign_id, entry_id)
        found = picture_crop(db, picture_id, entry_id) if picture_id else None
    if found is None:
        abort(404)
    data, (x0, y0, x1, y1) = found
    try:
        image = decode_picture(data)
    except PictureError:
        abort(404)
    box = (
        max(0, x0 - MARGIN),
        max(0, y0 - MARGIN),
        min(image.width, x1 + MARGIN),
        min(image.height, y1 + MARGIN),
    )
    out = io.BytesIO()
    image.crop(box).save(out, format="PNG")
    response = Response(out.getvalue(), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=600"
    return response


def _picture_of(db: Session, campaign_id: int, entry_id: int) -> int | None:
    return db.scalar(
        select(PictureEntry.picture_id)
        .join(ChainEntry, ChainEntry.id == PictureEntry.entry_id)
        .join(Chain, Chain.id == ChainEntry.chain_id)
        .where(PictureEntry.entry_id == entry_id, Chain.campaign_id == campaign_id)
    )
