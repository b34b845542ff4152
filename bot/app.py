"""Flask app factory: blueprints wired in one visible place; nothing starts a scheduler here."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, render_template
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, Map

from bot.config import Settings, load_settings
from bot.local_state import link_issuer, secret_key
from bot.runtime import Runtime
from models.base import MAX_ROW_ID, make_engine, make_session_factory

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Flask:
    """Build the web app for these settings (tests pass their own; `make run` uses defaults)."""
    settings = settings or load_settings()
    app = Flask(__name__)
    app.url_map.converters["int"] = RowIdConverter  # before any blueprint adds a rule
    engine = make_engine(settings.database.url)
    app.extensions["linli"] = Runtime(
        settings, engine, make_session_factory(engine), links=link_issuer(settings)
    )
    app.config.update(
        SECRET_KEY=secret_key(settings),
        MAX_CONTENT_LENGTH=settings.server.max_body_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    _register_blueprints(app, settings)
    app.register_error_handler(HTTPException, _http_error)
    return app


class RowIdConverter(IntegerConverter):
    """`<int:…>` in every route: a number past what the database stores is a 404, not a 500."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(url_map, *args, **kwargs)


def _register_blueprints(app: Flask, settings: Settings) -> None:
    from bot import admin, home, webhook_mp

    app.register_blueprint(home.bp)
    app.register_blueprint(webhook_mp.bp)
    app.register_blueprint(admin.bp)
    if settings.simulator:
        from bot import simulator

        app.register_blueprint(simulator.bp)
    if settings.wecom.enabled:
        from bot import webhook_wecom

        app.register_blueprint(webhook_wecom.bp)
    if settings.bridge.enabled:
        from bot import bridge

        app.register_blueprint(bridge.bp)


def _http_error(exc: HTTPException) -> Response | tuple[str, int]:
    """Short plain answers for errors; never a stack trace to a caller."""
    code = exc.code or 500
    if code >= 500:
        log.error("http %s: %s", code, exc)
    return render_template("error.html", code=code, message=exc.description), code
