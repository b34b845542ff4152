"""The worker page (工作台) under /admin: one parent blueprint that guards every feature.

Every request loads the staff member from the session; every POST must carry the session's
CSRF token; every endpoint except the login ones needs a session. The webhooks are other
blueprints and are not touched by any of this.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Blueprint, Response, abort, g, redirect, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue

from bot.admin import (
    audit,
    auth,
    campaign_new,
    campaigns,
    chain_reading,
    cli,
    community,
    exports,
    households,
    imports,
    money,
    needs_board,
    pickup,
    pictures,
    today,
)
from bot.admin.security import (
    CLOCK,
    add_security_headers,
    admin_now,
    check_csrf,
    csrf_token,
    load_staff,
    mask_phone,
)
from bot.runtime import runtime

log = logging.getLogger(__name__)

PUBLIC_ENDPOINTS = frozenset(
    {"admin.auth.login", "admin.auth.login_post", "admin.auth.link", "admin.auth.link_post"}
)

bp = Blueprint("admin", __name__, url_prefix="/admin", cli_group=None)
for child in (
    auth.bp,
    today.bp,
    campaign_new.bp,
    campaigns.bp,
    chain_reading.bp,
    money.bp,
    imports.bp,
    exports.bp,
    pickup.bp,
    needs_board.bp,
    households.bp,
    audit.bp,
    community.bp,
    pictures.bp,
):
    bp.register_blueprint(child)
bp.cli.add_command(cli.create_admin)


@bp.record_once
def _configure(state: BlueprintSetupState) -> None:
    """Secure cookies when the public address is https."""
    CLOCK.install(state.app)
    settings = state.app.extensions["linli"].settings
    if settings.server.public_url.startswith("https://"):
        state.app.config["SESSION_COOKIE_SECURE"] = True


@bp.before_request
def _guard() -> ResponseReturnValue | None:
    """CSRF on every POST; a session on every endpoint but login."""
    if request.endpoint == community.UPLOAD_ENDPOINT:  # a roster sheet is bigger than a form
        request.max_content_length = community.UPLOAD_MAX_BYTES
    if request.endpoint in imports.UPLOAD_ENDPOINTS:  # an export file is bigger than a form
        imports.allow_upload()
    if request.method == "POST":
        check_csrf()
    with runtime().session_factory() as db:
        g.staff = load_staff(db, admin_now())
    if request.endpoint in PUBLIC_ENDPOINTS or g.staff is not None:
        return None
    if request.method == "GET":
        return redirect(url_for("admin.auth.login", next=request.full_path.rstrip("?")))
    abort(401, description="请先登录工作台。")


@bp.after_request
def _headers(response: Response) -> Response:
    return add_security_headers(response)


@bp.app_context_processor
def _template_helpers() -> dict[str, object]:
    return {"csrf_token": csrf_token, "mask_phone": mask_phone}


@bp.app_template_filter("admin_time")
def admin_time(value: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    """UTC storage time shown in the configured `timezone`."""
    return "" if value is None else value.astimezone(runtime().settings.zone).strftime(fmt)


@bp.app_template_filter("qty")
def qty(value: float | None) -> str:
    """2.0 → 2, 0.5 → 0.5."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
