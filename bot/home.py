"""The front page (what Linli is, where to go) and `/healthz` for operators' monitors."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template

from bot.runtime import runtime

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    """A short Chinese page with links to the simulator (when on) and the workbench."""
    return render_template(
        "home.html", simulator=runtime().settings.simulator, admin_url=_admin_url()
    )


def _admin_url() -> str | None:
    """/admin once the workbench blueprint is registered (it lands in a later change)."""
    rules = (r.rule for r in current_app.url_map.iter_rules())
    return "/admin" if any(r == "/admin" or r.startswith("/admin/") for r in rules) else None


@bp.get("/healthz")
def healthz() -> Response:
    """Liveness: the process answers (no database round trip, so it stays cheap)."""
    return jsonify(status="ok")
