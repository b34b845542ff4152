"""导入 page of a campaign (issue 17): upload a 快团团 / 群接龙 export, see what each row would
become, then confirm. Nothing is stored before the confirmation, and then all or nothing.

Between the two steps the uploaded file waits in the data directory under its sha256 (the
confirmation names only that digest) and is deleted once imported, or after an hour.
"""

from __future__ import annotations

import logging
import re
import time
from datetime import timedelta
from pathlib import Path

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from bot.admin.campaigns import load
from bot.imports import ImportResult, file_digest, preview, run_import
from bot.local_state import data_dir
from bot.runtime import runtime
from bot.xlsx_reader import MAX_IMPORT_BYTES, size_text
from handlers import texts
from handlers.campaign.import_columns import FIELDS
from models.base import utcnow

log = logging.getLogger(__name__)

bp = Blueprint("imports", __name__)

UPLOAD_ENDPOINTS = frozenset({"admin.imports.upload"})
UPLOAD_LIMIT = MAX_IMPORT_BYTES + 64 * 1024  # the file and the form around it
STASH_TTL = timedelta(hours=1)
_DIGEST = re.compile(r"[0-9a-f]{64}")
SHOWN_COLUMNS = ("key", "name", "phone", "address", "item", "spec", "qty", "order_amount", "note")


def allow_upload() -> None:
    """Let this request carry an export (bigger than the usual form limit), refusing larger
    ones with a clear word before the body is read."""
    length = request.content_length
    if length is not None and length > UPLOAD_LIMIT:
        limit = size_text(MAX_IMPORT_BYTES)
        abort(413, description=texts.IMPORT_TOO_BIG.format(size=size_text(length), limit=limit))
    request.max_content_length = UPLOAD_LIMIT


def _stash_dir() -> Path:
    path = data_dir(runtime().settings) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stash(data: bytes) -> str:
    """Keep the upload until it is confirmed; its digest names it. Old ones are removed."""
    folder = _stash_dir()
    cutoff = time.time() - STASH_TTL.total_seconds()
    for old in folder.glob("*.xlsx"):
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    digest = file_digest(data)
    path = folder / f"{digest}.xlsx"
    path.write_bytes(data)
    path.chmod(0o600)
    return digest


def _page(campaign_id: int, **context: object) -> str:
    with runtime().session_factory() as db:
        _, campaign = load(db, campaign_id)
    columns = {field: "、".join(FIELDS[field][:3]) for field in SHOWN_COLUMNS}
    return render_template(
        "admin/import.html",
        campaign=campaign,
        columns=columns,
        outcomes=texts.IMPORT_OUTCOMES,
        limit=size_text(MAX_IMPORT_BYTES),
        **context,
    )


@bp.get("/campaigns/<int:campaign_id>/import")
def form(campaign_id: int) -> str:
    """The upload form with the columns Linli reads."""
    return _page(campaign_id)


@bp.post("/campaigns/<int:campaign_id>/import")
def upload(campaign_id: int) -> ResponseReturnValue:
    """Read the export and show what each row would become; store nothing."""
    with runtime().session_factory() as db:
        load(db, campaign_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(texts.IMPORT_NO_FILE)
        return redirect(url_for("admin.imports.form", campaign_id=campaign_id))
    data = upload.read(MAX_IMPORT_BYTES + 1)
    result: ImportResult = preview(
        runtime().session_factory, campaign_id, data, runtime().settings.zone
    )
    token = stash(data) if result.ok else ""
    log.info("import preview campaign=%s ok=%s", campaign_id, result.ok)
    return _page(campaign_id, result=result, token=token, filename=upload.filename[:200])


@bp.post("/campaigns/<int:campaign_id>/import/confirm")
def confirm(campaign_id: int) -> ResponseReturnValue:
    """Store the previewed file (planned again on the campaign as it is now), or nothing."""
    token = request.form.get("token", "")
    if not _DIGEST.fullmatch(token):
        abort(400, description=texts.IMPORT_STASH_GONE)
    with runtime().session_factory() as db:
        load(db, campaign_id)
    path = _stash_dir() / f"{token}.xlsx"
    if not path.is_file():
        flash(texts.IMPORT_STASH_GONE)
        return redirect(url_for("admin.imports.form", campaign_id=campaign_id))
    filename = request.form.get("filename", "")[:200]
    rt = runtime()
    result = run_import(
        rt.session_factory,
        campaign_id,
        path.read_bytes(),
        filename,
        g.staff.actor,
        utcnow(),
        rt.settings.zone,
    )
    if result.ok:
        path.unlink(missing_ok=True)
    flash(result.message)
    target = "admin.campaigns.show" if result.ok else "admin.imports.form"
    return redirect(url_for(target, campaign_id=campaign_id))
