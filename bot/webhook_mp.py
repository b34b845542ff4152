"""The 公众号 webhook at /wechat/mp: verify, decrypt, hand to the pipeline, answer within 4 s.

WeChat waits 5 s for an answer and then retries (three times, same MsgId). The pipeline stores
and handles a message in one transaction and the webhook answers once it has committed: with
the reply when it was ready within REPLY_BUDGET_SECONDS, else "success" (the pipeline sent the
reply through the outbox as a customer-service message). A handling slower than WeChat's 5 s is
answered to WeChat's retry, which waits for the first delivery's commit and finds it done.
The pipeline runs in the request's own thread: handing it to a worker thread cost 0.3–0.5 ms
of CPU a message (bench/webhook_profile.py, 2.1 → 2.4–2.6 ms) and bought nothing once the
answer waits for the commit anyway.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import tzinfo

from flask import Blueprint, Flask, Response, request
from sqlalchemy.orm import Session, sessionmaker

from bot import wechat_mp as mp
from bot.callbacks import (
    AppClock,
    Clock,
    configured,
    plain,
    prepare,
    read_body,
    xml_reply,
)
from bot.config import WeChatSettings
from bot.pipeline import accept
from bot.runtime import runtime
from handlers.community.repo import NO_LINKS, LinkIssuer
from handlers.types import Incoming

log = logging.getLogger(__name__)

REPLY_BUDGET_SECONDS = 4.0  # WeChat gives up at 5 s; keep a margin for the network
CLOCK = AppClock("linli.mp_clock")


def _settings() -> WeChatSettings:
    return runtime().settings.wechat


bp = Blueprint("wechat_mp", __name__, url_prefix="/wechat/mp")
prepare(bp, CLOCK, "mp webhook", lambda: _settings().enabled)


def set_clock(app: Flask, clock: Clock) -> None:
    """Replace the wall clock used for the timestamp freshness check (tests, replays)."""
    CLOCK.replace(app, clock)


@bp.get("")
def verify() -> Response:
    """URL verification: echo `echostr` when signed by our token (and fresh)."""
    settings = _settings()
    mp.check_signature(settings.token, request.args)
    mp.check_fresh(request.args.get("timestamp", ""), CLOCK(), settings.max_clock_skew_seconds)
    return plain(request.args.get("echostr", ""))


@bp.post("")
def receive() -> Response:
    """A resident's message or event: plain or 安全模式 (encrypt_type=aes)."""
    started = time.monotonic()
    settings, args = _settings(), request.args
    safe = args.get("encrypt_type", "raw").lower() == "aes"
    _check_mode(settings, safe)
    if not safe:
        mp.check_signature(settings.token, args)
    mp.check_fresh(args.get("timestamp", ""), CLOCK(), settings.max_clock_skew_seconds)
    body = read_body(runtime().settings.server.max_body_bytes)
    crypto = _crypto(settings) if safe else None
    xml = crypto.decrypt_query(mp.encrypted_part(body), args) if crypto else body
    msg = mp.parse_message(xml)
    try:
        rt = runtime()
        reply = reply_within(
            rt.session_factory, msg.incoming, started, rt.links, tz=rt.settings.zone
        )
    except Exception:  # storage failed (logged by _log_failure); WeChat retries on non-200
        log.error("mp webhook could not accept msg=%s", msg.incoming.msg_id)
        return plain("unavailable", 503)
    log.info(
        "mp kind=%s msg=%s replied=%s in %.0f ms",
        msg.incoming.kind,
        msg.incoming.msg_id,
        reply is not None,
        (time.monotonic() - started) * 1000,
    )
    return _render(msg, reply, crypto, args)


def _check_mode(settings: WeChatSettings, safe: bool) -> None:
    """Safe mode cannot be downgraded: with a key, a plain POST (whose signature does not cover
    the body) passes only in 兼容模式, which the operator must name (wechat.mode)."""
    if not safe and settings.message_mode == "safe":
        raise mp.Forbidden("plain message refused: 安全模式 is configured (wechat.aes_key)")


def _crypto(settings: WeChatSettings) -> mp.MpCrypto:
    if not settings.aes_key:
        raise mp.Malformed("safe-mode request but wechat.aes_key is not configured")
    return configured(
        lambda: mp.MpCrypto(settings.token, settings.aes_key, settings.app_id), "wechat safe mode"
    )


def _render(
    msg: mp.MpMessage, reply: str | None, crypto: mp.MpCrypto | None, args: Mapping[str, str]
) -> Response:
    """`success` when there is nothing to say; else the text reply, encrypted if the request was."""
    if not reply:
        return plain("success")
    now = int(CLOCK())
    xml = mp.render_text_reply(msg, reply, now)
    if crypto is not None:
        xml = crypto.encrypt(xml, timestamp=str(now), nonce=args.get("nonce", "") or "0")
    return xml_reply(xml)


# --- the pipeline under a deadline ----------------------------------------------------------


def reply_within(
    factory: sessionmaker[Session],
    msg: Incoming,
    started: float,
    links: LinkIssuer = NO_LINKS,
    *,
    tz: tzinfo,
) -> str | None:
    """The pipeline's reply when it was ready within REPLY_BUDGET_SECONDS of `started`, else
    None (it went through the outbox); returns once the message is committed."""
    return accept(factory, msg, links, started + REPLY_BUDGET_SECONDS, tz=tz).reply
