"""企业微信 callbacks: the group robot at /wecom/robot and the workers' app at /wecom/app.

Both verify msg_signature and a fresh timestamp (403), cap the body (413), refuse what is not
a WeCom message (400) and never answer 500 on input. The URL check (GET echostr) touches no
database: WeCom wants the app's answer within 1 s. Messages go through the common pipeline
under the same 4 s budget as the 公众号 (`bot.webhook_mp.reply_within`): a reply that fits one
text message is returned passively (encrypted); a longer or late one goes to the outbox, where
the robot's webhook (channel "wecom_robot", target = chat id) or app messages deliver it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot import wecom
from bot.callback_crypto import check_fresh, encrypted_part
from bot.callbacks import AppClock, Clock, configured, plain, prepare, read_body, xml_reply
from bot.config import WeComSettings
from bot.effects import announce_group
from bot.pipeline import inbox_key
from bot.runtime import runtime
from bot.webhook_mp import reply_within
from handlers.types import Incoming
from models.community import Chat
from models.notices import queue_notice

log = logging.getLogger(__name__)

CLOCK = AppClock("linli.wecom_clock")
GONE_EVENTS = frozenset({"delete_from_chat"})


def _settings() -> WeComSettings:
    return runtime().settings.wecom


bp = Blueprint("wecom", __name__, url_prefix="/wecom")
prepare(bp, CLOCK, "wecom callback", lambda: _settings().enabled)


def set_clock(app: Flask, clock: Clock) -> None:
    """Replace the wall clock used for the timestamp freshness check (tests)."""
    CLOCK.replace(app, clock)


def robot_crypto(settings: WeComSettings) -> wecom.WeComCrypto:
    """The robot's crypto: encrypts with robot_receive_id, accepts it, "" and the CorpID."""
    ids = (settings.robot_receive_id, "", settings.corp_id)
    return _crypto(settings.robot_token, settings.robot_aes_key, ids, "robot")


def app_crypto(settings: WeComSettings) -> wecom.WeComCrypto:
    """The self-built app's crypto: the receive id is the CorpID."""
    return _crypto(settings.app_token, settings.app_aes_key, (settings.corp_id,), "app")


def _crypto(token: str, aes_key: str, ids: tuple[str, ...], which: str) -> wecom.WeComCrypto:
    return configured(lambda: wecom.WeComCrypto(token, aes_key, ids), f"wecom {which}")


def _decrypt_query(crypto: wecom.WeComCrypto, encrypt: str, args: Mapping[str, str]) -> str:
    """Check freshness, then signature, then decrypt (the order costs least on junk)."""
    check_fresh(args.get("timestamp", ""), CLOCK(), _settings().max_clock_skew_seconds)
    return crypto.decrypt_query(encrypt, args)


@bp.get("/robot")
def verify_robot() -> Response:
    """URL verification of the robot callback: the decrypted echostr, nothing else."""
    return plain(
        _decrypt_query(robot_crypto(_settings()), request.args.get("echostr", ""), request.args)
    )


@bp.get("/app")
def verify_app() -> Response:
    """URL verification of the app callback (WeCom gives it 1 s: no database here)."""
    return plain(
        _decrypt_query(app_crypto(_settings()), request.args.get("echostr", ""), request.args)
    )


@bp.post("/robot")
def receive_robot() -> Response:
    """An @-mention in a group (or a 1:1 message to the robot), or a robot event."""
    started, settings = time.monotonic(), _settings()
    crypto = robot_crypto(settings)
    xml = _decrypt_body(crypto)
    received_at = datetime.fromtimestamp(CLOCK(), UTC)
    msg = wecom.parse_robot(xml, received_at, settings.robot_name)
    extra_host = urlsplit(settings.api_base_url).hostname or ""
    webhook = msg.webhook_url if wecom.is_robot_webhook(msg.webhook_url, extra_host) else ""
    rt = runtime()
    factory = rt.session_factory
    try:
        remember_chat(factory, msg, webhook, received_at)
        reply = (
            None
            if msg.incoming is None
            else reply_within(factory, msg.incoming, started, rt.links, tz=rt.settings.zone)
        )
    except Exception:  # storage failed: not accepted; WeCom retries on non-200
        log.exception("wecom robot could not accept chat=%s", msg.chat_id)
        return plain("unavailable", 503)
    if msg.incoming is None or not reply:
        return plain("")
    mention = msg.incoming.sender_id if msg.incoming.is_group else ""
    return _passive(
        crypto, msg.incoming, reply, lambda now: wecom.render_robot_reply(reply, mention)
    )


@bp.post("/app")
def receive_app() -> Response:
    """A worker's 1:1 message (commands, questions) or an app event."""
    started, settings = time.monotonic(), _settings()
    crypto = app_crypto(settings)
    msg = wecom.parse_app(_decrypt_body(crypto))
    if settings.app_agent_id and msg.agent_id and msg.agent_id != str(settings.app_agent_id):
        raise wecom.Malformed(f"message for agent {msg.agent_id}")
    try:
        rt = runtime()
        reply = reply_within(
            rt.session_factory, msg.incoming, started, rt.links, tz=rt.settings.zone
        )
    except Exception:
        log.exception("wecom app could not accept msg=%s", msg.incoming.msg_id)
        return plain("unavailable", 503)
    if not reply:
        return plain("")
    return _passive(
        crypto, msg.incoming, reply, lambda now: wecom.render_app_reply(msg, reply, now)
    )


def _decrypt_body(crypto: wecom.WeComCrypto) -> str:
    body = read_body(runtime().settings.server.max_body_bytes)
    return _decrypt_query(crypto, encrypted_part(body), request.args)


def _passive(
    crypto: wecom.WeComCrypto, msg: Incoming, reply: str, render: Callable[[int], str]
) -> Response:
    """The encrypted passive reply; a reply over one message's bytes goes to the outbox."""
    if not wecom.fits(reply):
        key = f"long-reply:{msg.channel}:{msg.sender_id}:{inbox_key(msg)}"
        try:
            with runtime().session_factory.begin() as session:
                queue_notice(session, msg.channel, msg.chat_id, reply, key)
        except Exception:  # WeCom retries; the retry queues it again under the same key
            log.exception("wecom %s could not queue a long reply", msg.channel)
            return plain("unavailable", 503)
        log.info("wecom %s reply of %d chars queued in the outbox", msg.channel, len(reply))
        return plain("")
    now = int(CLOCK())
    nonce = request.args.get("nonce", "") or "0"
    return xml_reply(crypto.encrypt(render(now), timestamp=str(now), nonce=nonce))


def remember_chat(
    factory: sessionmaker[Session], msg: wecom.RobotMessage, webhook: str, at: datetime
) -> None:
    """Keep the chat's robot webhook on its Chat row (the sender posts notices through it)."""
    gone = msg.event in GONE_EVENTS
    for _ in range(2):  # a concurrent first insert makes the first try fail once
        try:
            with factory.begin() as session:
                _upsert_chat(session, msg, None if gone else webhook, at)
            return
        except IntegrityError:
            continue


def _upsert_chat(
    session: Session, msg: wecom.RobotMessage, webhook: str | None, at: datetime
) -> None:
    chat = session.scalars(
        select(Chat).where(Chat.channel == wecom.ROBOT_CHANNEL, Chat.external_id == msg.chat_id)
    ).one_or_none()
    if chat is None:
        chat = Chat(
            channel=wecom.ROBOT_CHANNEL, external_id=msg.chat_id, is_group=msg.chat_type != "single"
        )
        session.add(chat)
    if msg.event == "add_to_chat" and chat.is_group:  # workers hear of a new group at once
        announce_group(session, wecom.ROBOT_CHANNEL, msg.chat_id, at)
    # None: removed from the chat; "" (no usable URL in this callback) keeps what we had
    if (webhook is None or webhook) and chat.webhook_url != webhook:
        chat.webhook_url = webhook
        log.info(
            "wecom robot chat=%s webhook %s",
            msg.chat_id,
            "removed" if webhook is None else "stored",
        )
