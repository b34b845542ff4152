"""The 公众号 webhook at /wechat/mp: verify, decrypt, hand to the pipeline, answer within 4 s.

WeChat waits 5 s for an answer and then retries (three times, same MsgId). The pipeline commits
the inbox row before handling, so handling runs in a worker thread: when it is not done after
REPLY_BUDGET_SECONDS the webhook answers "success" (never before the row is committed), the
worker finishes, and its late reply is queued in the outbox as a customer-service message.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field

from flask import Blueprint, Flask, Response, request
from sqlalchemy.orm import Session, sessionmaker

from bot import wechat_mp as mp
from bot.callbacks import (
    AppClock,
    Clock,
    configured,
    executor,
    plain,
    prepare,
    read_body,
    xml_reply,
)
from bot.config import WeChatSettings
from bot.pipeline import handle_row, queue_late_reply, store_inbox
from bot.runtime import runtime
from handlers.admin_link import NO_LINKS, LinkIssuer
from handlers.types import Incoming

log = logging.getLogger(__name__)

REPLY_BUDGET_SECONDS = 4.0  # WeChat gives up at 5 s; keep a margin for the network
COMMIT_WAIT_SECONDS = 10.0  # how long an answer may wait for the inbox commit (SQLite lock)
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
        reply = reply_within(rt.session_factory, msg.incoming, started, rt.links)
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


@dataclass
class _Job:
    """One accepted message shared by the request thread and the worker."""

    msg: Incoming
    stored: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    done: bool = False
    gave_up: bool = False  # the request answered "success" without this reply


def reply_within(
    factory: sessionmaker[Session], msg: Incoming, started: float, links: LinkIssuer = NO_LINKS
) -> str | None:
    """The pipeline's reply if ready within REPLY_BUDGET_SECONDS; else None, handling goes on."""
    job = _Job(msg)
    future = executor().submit(_handle, factory, job, links)
    future.add_done_callback(_log_failure)  # after "success" nobody else reads the result
    try:
        return future.result(timeout=max(0.0, started + REPLY_BUDGET_SECONDS - time.monotonic()))
    except TimeoutError:
        pass
    if not _wait_stored(job, future):
        raise RuntimeError(f"inbox row not committed within {COMMIT_WAIT_SECONDS} s")
    with job.lock:
        if not job.done:
            job.gave_up = True
            log.warning(
                "mp msg=%s still handling after %.1f s: answered success",
                msg.msg_id,
                time.monotonic() - started,
            )
            return None
    return future.result()  # finished between the timeout and the lock


def _log_failure(future: Future[str | None]) -> None:
    if future.cancelled():
        return
    exc = future.exception()
    if exc is not None:
        log.error("mp worker failed: %r", exc, exc_info=exc)


def _wait_stored(job: _Job, future: Future[str | None]) -> bool:
    """Wait until the inbox row is committed: answering before that could lose the message."""
    end = time.monotonic() + COMMIT_WAIT_SECONDS
    while not job.stored.wait(0.05):
        if future.done() or time.monotonic() > end:
            return job.stored.is_set()
    return True


def _handle(factory: sessionmaker[Session], job: _Job, links: LinkIssuer) -> str | None:
    """Worker side: inbox first (committed), then handling — for a retry too, when the row is
    still unhandled (a killed worker's); a reply whose answer was given up goes to the outbox."""
    inbox_id, is_new = store_inbox(factory, job.msg)
    job.stored.set()
    if not is_new:
        log.info("duplicate delivery channel=%s msg=%s", job.msg.channel, job.msg.msg_id)
    done = handle_row(factory, inbox_id, job.msg if is_new else None, links)
    with job.lock:
        job.done, late = True, job.gave_up
    if late and done.fresh and done.reply:
        queue_late_reply(factory, job.msg, done.reply)
    return done.reply
