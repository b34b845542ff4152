"""Flask plumbing shared by the Tencent callback blueprints (公众号, 企业微信).

Each blueprint gets a replaceable clock (tests inject one), a 404 while its channel is disabled,
and fixed answers for refused input — Forbidden 403, Malformed 400, an oversized body 413 — so
that input never produces a 500. Routes, crypto and
message shapes stay in the channel's own modules. The bridge borrows the clock and the capped
body read.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

from flask import Blueprint, Response, current_app, request
from flask.blueprints import BlueprintSetupState
from flask.sansio.app import App
from werkzeug.exceptions import RequestEntityTooLarge

from bot.callback_crypto import Forbidden, Malformed
from bot.runtime import runtime

log = logging.getLogger(__name__)

READ_CHUNK = 16 * 1024

Clock = Callable[[], float]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AppClock:
    """A wall clock kept per app under `key`: time.time unless a test or replay replaced it."""

    key: str

    def install(self, app: App) -> None:
        """Give the app the real clock unless it already has one."""
        app.extensions.setdefault(self.key, time.time)

    def replace(self, app: App, clock: Clock) -> None:
        """Use `clock` from now on (tests, replays)."""
        app.extensions[self.key] = clock

    def __call__(self) -> float:
        """The current app's time in unix seconds."""
        return cast(Clock, current_app.extensions[self.key])()


def plain(text: str, status: int = 200) -> Response:
    """A text/plain answer (Tencent reads "success" or "" as "nothing to say")."""
    return Response(text, status=status, mimetype="text/plain")


def xml_reply(xml: str) -> Response:
    """A passive XML reply."""
    return Response(xml, mimetype="application/xml")


def prepare(bp: Blueprint, clock: AppClock, label: str, enabled: Callable[[], bool]) -> None:
    """Wire a callback blueprint: clock and pool on registration, the enabled switch, and the
    403 / 400 / 413 answers (logged with `label`, e.g. "mp webhook")."""

    def setup(state: BlueprintSetupState) -> None:
        clock.install(state.app)

    def only_when_enabled() -> Response | None:
        return None if enabled() else plain("not found", 404)

    def forbidden(exc: Forbidden) -> Response:
        log.warning("%s refused: %s", label, exc)
        return plain("forbidden", 403)

    def malformed(exc: Malformed) -> Response:
        log.info("%s bad request: %s", label, exc)
        return plain("bad request", 400)

    def too_large(exc: RequestEntityTooLarge) -> Response:
        log.warning("%s body over %d bytes", label, runtime().settings.server.max_body_bytes)
        return plain("too large", 413)

    bp.record_once(setup)
    bp.before_request(only_when_enabled)
    bp.register_error_handler(Forbidden, forbidden)
    bp.register_error_handler(Malformed, malformed)
    bp.register_error_handler(RequestEntityTooLarge, too_large)


def read_body(limit: int) -> bytes:
    """The body, at most `limit` bytes; 413 beyond (also for chunked bodies with no length)."""
    chunks: list[bytes] = []
    total = 0
    while chunk := request.stream.read(min(READ_CHUNK, limit + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise RequestEntityTooLarge()
    return b"".join(chunks)


def configured(make: Callable[[], T], what: str) -> T:
    """Build a channel's crypto; a misconfiguration (ValueError) is logged and answered 400."""
    try:
        return make()
    except ValueError as exc:
        log.error("%s misconfigured: %s", what, exc)
        raise Malformed(f"{what} misconfigured") from exc
