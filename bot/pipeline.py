"""The one pipeline every channel uses: inbox first (committed), then handlers, then effects.

WeChat retries a callback three times within ~15 s, and a process can die mid-way: the inbox
row is committed before handling so a retry is answered from the stored reply, never handled
twice, and an unhandled row is picked up by `handle_pending` at the next start.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import fields
from datetime import datetime
from typing import cast

from sqlalchemy import Engine, Table, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.effects import record_effects
from handlers import texts
from handlers.admin_link import NO_LINKS, LinkIssuer
from handlers.routes import dispatch
from handlers.types import Incoming
from models.base import utcnow
from models.member_activity import note_message
from models.messaging import InboxMessage
from models.repos import sql_context

log = logging.getLogger(__name__)

# Every message passes here: Core statements, built once (compiled-cache hits, no unit of work,
# and the handling transaction never loads the payload it already holds).
_inbox = cast(Table, InboxMessage.__table__)
_INSERT_INBOX = insert(_inbox)
_FIND_INBOX = select(_inbox.c.id).where(
    _inbox.c.channel == bindparam("channel_"),
    _inbox.c.sender_id == bindparam("sender_id_"),
    _inbox.c.msg_key == bindparam("msg_key_"),
)
_LOCK_INBOX = (
    select(_inbox.c.handled_at, _inbox.c.reply)
    .where(_inbox.c.id == bindparam("inbox_id_"))
    .with_for_update()
)
MAX_ATTEMPTS = 3
RETRY_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure
_MARK_HANDLED = (
    update(_inbox)
    .where(_inbox.c.id == bindparam("inbox_id_"))
    .values(handled_at=bindparam("handled_at_"), reply=bindparam("reply_"))
)


def inbox_key(msg: Incoming) -> str:
    """Dedupe key within (channel, sender): the MsgId, or CreateTime+event for events."""
    if msg.kind == "event":
        return f"event:{msg.event}:{int(msg.received_at.timestamp())}"
    if not msg.msg_id:  # a channel without ids: same second and same text is the same message
        digest = hashlib.sha1(msg.text.encode("utf-8")).hexdigest()[:16]
        return f"noid:{int(msg.received_at.timestamp())}:{digest}"
    return msg.msg_id


def to_payload(msg: Incoming) -> dict[str, object]:
    """The Incoming as JSON-able data (kept in the inbox for restart and audit)."""
    data = {f.name: getattr(msg, f.name) for f in fields(msg)}  # flat: asdict would deep-copy
    data["received_at"] = msg.received_at.isoformat()
    return data


def from_payload(data: dict[str, object]) -> Incoming:
    """Inverse of to_payload."""
    values = dict(data)
    values["received_at"] = datetime.fromisoformat(str(values["received_at"]))
    return Incoming(**values)  # type: ignore[arg-type]


def store_inbox(factory: sessionmaker[Session], msg: Incoming) -> tuple[int, bool]:
    """Insert and commit the inbox row; return (row id, is_new). A duplicate keeps the first row.

    One Core INSERT on the factory's engine: every message pays this, and a Session (unit of
    work, session transaction) would only wrap the connection's own transaction.
    """
    key = inbox_key(msg)
    engine = _engine(factory)
    try:
        with engine.begin() as conn:
            result = conn.execute(
                _INSERT_INBOX,
                {
                    "channel": msg.channel,
                    "sender_id": msg.sender_id,
                    "msg_key": key,
                    "chat_id": msg.chat_id,
                    "payload": to_payload(msg),
                    "received_at": utcnow(),
                },
            )
            pk = result.inserted_primary_key
            assert pk is not None
            return int(pk[0]), True
    except IntegrityError:
        with engine.connect() as conn:
            params = {"channel_": msg.channel, "sender_id_": msg.sender_id, "msg_key_": key}
            return int(conn.execute(_FIND_INBOX, params).scalar_one()), False


def _engine(factory: sessionmaker[Session]) -> Engine:
    """The Engine the factory's sessions are bound to (make_session_factory binds one)."""
    bind = factory.kw["bind"]
    assert isinstance(bind, Engine), "store_inbox needs a sessionmaker bound to an Engine"
    return bind


def stored_reply(factory: sessionmaker[Session], inbox_id: int) -> str | None:
    """The reply given the first time (None while the first delivery is still being handled)."""
    with factory() as session:
        row = session.get_one(InboxMessage, inbox_id)
        return row.reply


def handle_inbox_row(
    factory: sessionmaker[Session], inbox_id: int, msg: Incoming, links: LinkIssuer = NO_LINKS
) -> str | None:
    """Dispatch and record effects in one transaction; mark the row handled with its reply.

    A transaction PostgreSQL aborts to break a deadlock (a repost holding its chain while a
    worker's command holds the campaign) is run again from the start, up to MAX_ATTEMPTS.
    """
    attempt = 1
    while True:
        try:
            return _handle_once(factory, inbox_id, msg, links)
        except DBAPIError as exc:
            if attempt >= MAX_ATTEMPTS or not _worth_retrying(exc):
                return _failed(factory, inbox_id, msg)
            log.warning("retrying inbox_id=%s after %s", inbox_id, _sqlstate(exc))
            attempt += 1
        except Exception:  # a bug must not lose the message nor answer 500 to WeChat
            return _failed(factory, inbox_id, msg)


def _handle_once(
    factory: sessionmaker[Session], inbox_id: int, msg: Incoming, links: LinkIssuer
) -> str | None:
    with factory.begin() as session:
        conn = session.connection()
        handled_at, stored = conn.execute(_LOCK_INBOX, {"inbox_id_": inbox_id}).one()
        if handled_at is not None:
            return cast(str | None, stored)
        note_message(session, msg)  # the 公众号's 48 h window opens at the resident's message
        ctx = sql_context(session, msg.channel, now=lambda: msg.received_at, links=links)
        actions = dispatch(msg, ctx)
        reply = record_effects(session, msg, actions)
        conn.execute(
            _MARK_HANDLED,
            {"inbox_id_": inbox_id, "handled_at_": utcnow(), "reply_": reply or ""},
        )
        return reply


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def _worth_retrying(exc: DBAPIError) -> bool:
    """Deadlock detected or serialization failure: the same work succeeds when run again."""
    return _sqlstate(exc) in RETRY_SQLSTATES


def _failed(factory: sessionmaker[Session], inbox_id: int, msg: Incoming) -> str | None:
    log.exception("handling failed inbox_id=%s", inbox_id)
    reply = None if msg.is_group else texts.INTERNAL_ERROR
    _mark_failed(factory, inbox_id, reply)
    return reply


def _mark_failed(factory: sessionmaker[Session], inbox_id: int, reply: str | None) -> None:
    """Keep the row (raw payload and all) flagged for a worker; a retry gets the same answer."""
    with factory.begin() as session:
        row = session.get_one(InboxMessage, inbox_id)
        row.error = "handler failed; see logs"
        row.handled_at = utcnow()
        row.reply = reply or ""


def process(
    factory: sessionmaker[Session], msg: Incoming, links: LinkIssuer = NO_LINKS
) -> str | None:
    """Accept one message and return the passive reply text (None: nothing to say)."""
    inbox_id, is_new = store_inbox(factory, msg)
    if not is_new:
        log.info("duplicate delivery channel=%s msg=%s", msg.channel, msg.msg_id)
        return stored_reply(factory, inbox_id) or None
    return handle_inbox_row(factory, inbox_id, msg, links)


def handle_pending(factory: sessionmaker[Session], links: LinkIssuer = NO_LINKS) -> int:
    """Handle inbox rows a crash left unhandled (called at start-up); return how many."""
    with factory() as session:
        pending = session.execute(
            select(InboxMessage.id, InboxMessage.payload)
            .where(InboxMessage.handled_at.is_(None))
            .order_by(InboxMessage.id)
        ).all()
    for inbox_id, payload in pending:
        handle_inbox_row(factory, inbox_id, from_payload(payload), links)
    if pending:
        log.info("handled %d messages left from before the restart", len(pending))
    return len(pending)
