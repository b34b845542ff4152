"""The bridge: a relay the operator runs posts group messages as signed JSON and polls the outbox.

Every request carries `X-Linli-Timestamp` (unix seconds, within max_clock_skew_seconds) and
`X-Linli-Signature` = hex HMAC-SHA256(secret, timestamp + "\\n" + body); anything else is 401.
Messages go through the common pipeline (inbox dedupe on chat sender + msg_id), the reply comes
back in the response, and notices for bridged chats wait in the outbox (channel "bridge")
until the relay acknowledges them. Protocol: bot/bridge_protocol.py and docs/channels.md.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import cast

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from flask.blueprints import BlueprintSetupState
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import RequestEntityTooLarge

from bot.bridge_protocol import CHANNEL, SlidingWindow, auth_failure, parse_body, to_incoming
from bot.callbacks import AppClock, Clock, read_body
from bot.config import BridgeSettings
from bot.json_input import BadJson, load_json
from bot.pipeline import accept
from bot.runtime import runtime
from handlers.types import Incoming
from models.base import MAX_ROW_ID, parse_row_id
from models.community import Chat
from models.messaging import Notice

log = logging.getLogger(__name__)

CLOCK = AppClock("linli.bridge_clock")
LIMITER_KEY = "linli.bridge_limiter"
OUTBOX_PAGE = 100
_RELAY = re.compile(r"[A-Za-z0-9_.:\-]{1,64}")

bp = Blueprint("bridge", __name__, url_prefix="/bridge")


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    CLOCK.install(state.app)
    state.app.extensions.setdefault(LIMITER_KEY, SlidingWindow())


def set_clock(app: Flask, clock: Clock) -> None:
    """Replace the wall clock used for the timestamp check and received_at (tests)."""
    CLOCK.replace(app, clock)


def _settings() -> BridgeSettings:
    return runtime().settings.bridge


def _error(status: int, reason: str) -> Response:
    response = jsonify(ok=False, error=reason)
    response.status_code = status
    return response


@bp.before_request
def _authenticate() -> Response | None:
    """404 when disabled, 401 unless signed and fresh, 429 over the relay's rate."""
    settings = _settings()
    if not settings.enabled:
        return _error(404, "not found")
    body = read_body(runtime().settings.server.max_body_bytes)
    now = CLOCK()
    reason = auth_failure(
        settings,
        request.headers.get("X-Linli-Timestamp", ""),
        request.headers.get("X-Linli-Signature", ""),
        body,
        now,
    )
    if reason is not None:
        log.warning("bridge refused from %s: %s", request.remote_addr, reason)
        return _error(401, reason)
    g.bridge_body = body
    relay = request.headers.get("X-Linli-Relay", "")
    g.bridge_relay = relay if _RELAY.fullmatch(relay) else str(request.remote_addr)
    limiter = cast(SlidingWindow, current_app.extensions[LIMITER_KEY])
    limit = settings.max_requests_per_minute
    wait = limiter.retry_after(g.bridge_relay, limit, now) if limit > 0 else 0
    if wait:
        response = _error(429, f"over {limit} requests per minute; retry in {wait} s")
        response.headers["Retry-After"] = str(wait)
        return response
    return None


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(exc: RequestEntityTooLarge) -> Response:
    return _error(413, f"body over {runtime().settings.server.max_body_bytes} bytes")


@bp.post("/messages")
def receive() -> Response:
    """One relayed message → {"ok", "duplicate", "reply"} (the same reply for a retry)."""
    parsed = parse_body(g.bridge_body)
    if isinstance(parsed, str):
        log.info("bridge bad message from %s: %s", g.bridge_relay, parsed)
        return _error(400, parsed)
    incoming = to_incoming(parsed, datetime.fromtimestamp(CLOCK(), UTC))
    rt = runtime()
    factory = rt.session_factory
    try:
        remember_chat(factory, incoming)
        done = accept(factory, incoming, rt.links, tz=rt.settings.zone)
    except Exception:  # storage failed: not accepted, the relay should retry
        log.exception("bridge could not accept msg=%s", incoming.msg_id)
        return _error(503, "storage unavailable, retry later")
    return jsonify(ok=True, duplicate=done.duplicate, reply=done.reply)


def remember_chat(factory: sessionmaker[Session], msg: Incoming) -> None:
    """A Chat row per bridged chat, so workers can attach it to a community."""
    with factory() as session:
        found = session.scalar(
            select(Chat.id).where(Chat.channel == CHANNEL, Chat.external_id == msg.chat_id)
        )
    if found is not None:
        return
    try:
        with factory.begin() as session:
            session.add(Chat(channel=CHANNEL, external_id=msg.chat_id, is_group=msg.is_group))
    except IntegrityError:
        pass  # a concurrent message created it


# --- outbox -------------------------------------------------------------------------------------


@bp.get("/outbox")
def outbox() -> Response:
    """Pending notices for bridged chats with id > since, oldest first (OUTBOX_PAGE at most)."""
    since = parse_row_id(request.args.get("since", "0"))
    if since is None:
        return _error(400, "since must be a non-negative integer (a notice id)")
    now = datetime.fromtimestamp(CLOCK(), UTC)
    with runtime().session_factory() as session:
        rows = pending_notices(session, since, now)
    notices = [
        {
            "id": n.id,
            "target": n.target,
            "text": n.text,
            "kind": n.kind,
            "created_at": n.created_at.isoformat(),
        }
        for n in rows
    ]
    return jsonify(ok=True, notices=notices, next_since=rows[-1].id if rows else since)


def _row_id(value: object) -> bool:
    return type(value) is int and 0 <= value <= MAX_ROW_ID


def pending_notices(session: Session, since: int, now: datetime) -> list[Notice]:
    """Due, unexpired, unacknowledged bridge notices after `since`."""
    return list(
        session.scalars(
            select(Notice)
            .where(
                Notice.channel == CHANNEL,
                Notice.status == "pending",
                Notice.id > since,
                Notice.not_before_at <= now,
                (Notice.expires_at.is_(None)) | (Notice.expires_at > now),
            )
            .order_by(Notice.id)
            .limit(OUTBOX_PAGE)
        )
    )


@bp.post("/outbox/ack")
def acknowledge() -> Response:
    """{"ids": [...]} delivered by the relay → marked sent; answers how many changed."""
    try:
        data = load_json(g.bridge_body)
    except BadJson as exc:
        return _error(400, str(exc))
    ids = data.get("ids") if isinstance(data, dict) else None
    if not isinstance(ids, list) or len(ids) > 1000 or not all(_row_id(i) for i in ids):
        return _error(400, "ids must be a list of at most 1000 notice ids (integers)")
    now = datetime.fromtimestamp(CLOCK(), UTC)
    with runtime().session_factory.begin() as session:
        result = session.execute(
            update(Notice)
            .where(Notice.id.in_(ids), Notice.channel == CHANNEL, Notice.status == "pending")
            .values(status="sent", sent_at=now, last_error=None)
            .execution_options(synchronize_session=False)
        )
    acked = int(getattr(result, "rowcount", 0) or 0)
    log.info("bridge relay %s acknowledged %d of %d notices", g.bridge_relay, acked, len(ids))
    return jsonify(ok=True, acked=acked)
