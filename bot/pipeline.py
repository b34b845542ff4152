"""The one pipeline every channel uses: inbox first (committed), then handlers, then effects.

WeChat retries a callback three times within ~15 s, and a process can die mid-way: the inbox
row is committed before handling so a retry is answered from the stored reply, never handled
twice; a retry of a row a killed worker left unhandled handles it, and the scheduler's sweeper
(`scheduler.inbox`) hands any row left unhandled for a few seconds to `sweep_row`.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, fields
from datetime import datetime
from typing import cast

from sqlalchemy import Engine, Table, bindparam, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.effects import queue_notice, record_effects
from handlers import texts
from handlers.admin_link import NO_LINKS, LinkIssuer
from handlers.routes import dispatch
from handlers.setup import announce_new_group
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
_LOCK_INBOX_SKIP = _LOCK_INBOX.with_for_update(skip_locked=True)  # PostgreSQL; SQLite serializes
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


@dataclass(frozen=True, slots=True)
class Handled:
    """What handling a row gave: the reply, and whether this call produced it (False: another
    delivery had, or — `skipped` — is handling it right now)."""

    reply: str | None
    fresh: bool
    skipped: bool = False


def handle_inbox_row(
    factory: sessionmaker[Session],
    inbox_id: int,
    msg: Incoming | None = None,
    links: LinkIssuer = NO_LINKS,
) -> str | None:
    """The row's reply: handled now unless a delivery already did (see `handle_row`)."""
    return handle_row(factory, inbox_id, msg, links).reply


def handle_row(
    factory: sessionmaker[Session],
    inbox_id: int,
    msg: Incoming | None = None,
    links: LinkIssuer = NO_LINKS,
    *,
    skip_locked: bool = False,
) -> Handled:
    """Dispatch and record effects in one transaction; mark the row handled with its reply.

    Every delivery of a message comes here, the first and each retry alike: the row lock and
    `handled_at` make one of them handle it and the others read its reply (a retry of a row a
    killed worker left unhandled handles it). `msg` None: handle the stored payload.
    `skip_locked` (the scheduler's sweeper): leave a row another transaction holds.
    A transaction PostgreSQL aborts to break a deadlock (a repost holding its chain while a
    worker's command holds the campaign) is run again from the start, up to MAX_ATTEMPTS.
    """
    attempt = 1
    while True:
        try:
            return _handle_once(factory, inbox_id, msg, links, skip_locked)
        except DBAPIError as exc:
            if skip_locked and isinstance(exc, OperationalError):  # busy: the next sweep
                log.warning("sweep left inbox_id=%s for later: %s", inbox_id, exc.orig)
                return Handled(None, fresh=False, skipped=True)
            if attempt >= MAX_ATTEMPTS or not _worth_retrying(exc):
                return Handled(_failed(factory, inbox_id, msg), fresh=True)
            log.warning("retrying inbox_id=%s after %s", inbox_id, _sqlstate(exc))
            attempt += 1
        except Exception:  # a bug must not lose the message nor answer 500 to WeChat
            return Handled(_failed(factory, inbox_id, msg), fresh=True)


def _handle_once(
    factory: sessionmaker[Session],
    inbox_id: int,
    msg: Incoming | None,
    links: LinkIssuer,
    skip_locked: bool,
) -> Handled:
    with factory.begin() as session:
        conn = session.connection()
        lock = _LOCK_INBOX_SKIP if skip_locked else _LOCK_INBOX
        row = conn.execute(lock, {"inbox_id_": inbox_id}).one_or_none()
        if row is None:
            return Handled(None, fresh=False, skipped=True)
        if row.handled_at is not None:
            return Handled(cast(str | None, row.reply) or None, fresh=False)
        msg = msg or from_payload(session.get_one(InboxMessage, inbox_id).payload)
        note_message(session, msg)  # the 公众号's 48 h window opens at the resident's message
        ctx = sql_context(session, msg.channel, now=lambda: msg.received_at, links=links)
        actions = [*announce_new_group(msg, ctx), *dispatch(msg, ctx)]
        reply = record_effects(session, msg, actions)
        conn.execute(
            _MARK_HANDLED,
            {"inbox_id_": inbox_id, "handled_at_": utcnow(), "reply_": reply or ""},
        )
        return Handled(reply, fresh=True)


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def _worth_retrying(exc: DBAPIError) -> bool:
    """Deadlock detected or serialization failure: the same work succeeds when run again."""
    return _sqlstate(exc) in RETRY_SQLSTATES


def _failed(factory: sessionmaker[Session], inbox_id: int, msg: Incoming | None) -> str | None:
    log.exception("handling failed inbox_id=%s", inbox_id)
    with factory() as session:
        msg = msg or from_payload(session.get_one(InboxMessage, inbox_id).payload)
    return _mark_failed(factory, inbox_id, None if msg.is_group else texts.INTERNAL_ERROR)


def _mark_failed(factory: sessionmaker[Session], inbox_id: int, reply: str | None) -> str | None:
    """Keep the row (raw payload and all) flagged for a worker; a retry gets the same answer.
    A row another delivery has handled meanwhile keeps that handling; return the reply kept."""
    with factory.begin() as session:
        row = session.get_one(InboxMessage, inbox_id, with_for_update=True)
        if row.handled_at is not None:
            return row.reply or None
        row.error = "handler failed; see logs"
        row.handled_at = utcnow()
        row.reply = reply or ""
        return reply


def process(
    factory: sessionmaker[Session], msg: Incoming, links: LinkIssuer = NO_LINKS
) -> str | None:
    """Accept one message and return the passive reply text (None: nothing to say)."""
    inbox_id, is_new = store_inbox(factory, msg)
    if not is_new:
        log.info("duplicate delivery channel=%s msg=%s", msg.channel, msg.msg_id)
    return handle_row(factory, inbox_id, None if not is_new else msg, links).reply


# --- replies whose request is gone --------------------------------------------------------------

# Channels whose callback may be answered before the reply exists (the 4 s budget): a reply
# that comes later goes through the outbox (customer-service message, robot push, app message).
# The bridge and the simulator answer only after handling; a relay retries, the page reads
# the stored reply.
LATE_REPLY_CHANNELS = frozenset({"mp", "wecom_robot", "wecom_app"})


def queue_late_reply(factory: sessionmaker[Session], msg: Incoming, reply: str) -> bool:
    """Send a reply whose passive answer was given up through the outbox, once per message."""
    if msg.channel not in LATE_REPLY_CHANNELS:
        return False
    key = f"late-reply:{msg.channel}:{msg.sender_id}:{inbox_key(msg)}"
    with factory.begin() as session:
        added = queue_notice(session, msg.channel, msg.chat_id, reply, key)
    log.info("%s msg=%s late reply queued in the outbox", msg.channel, msg.msg_id)
    return added


def handle_pending(factory: sessionmaker[Session], links: LinkIssuer = NO_LINKS) -> int:
    """Handle inbox rows a crash left unhandled (called at start-up); return how many."""
    with factory() as session:
        pending = session.scalars(
            select(InboxMessage.id)
            .where(InboxMessage.handled_at.is_(None))
            .order_by(InboxMessage.id)
        ).all()
    handled = sum(sweep_row(factory, inbox_id, links) for inbox_id in pending)
    if handled:
        log.info("handled %d messages left from before the restart", handled)
    return handled


def sweep_row(factory: sessionmaker[Session], inbox_id: int, links: LinkIssuer = NO_LINKS) -> bool:
    """Handle one row whose request is gone (a killed worker, a restart), unless a delivery
    is handling it now; its reply goes through the outbox. True if this call handled it."""
    done = handle_row(factory, inbox_id, None, links, skip_locked=True)
    if done.fresh and done.reply:
        with factory() as session:
            msg = from_payload(session.get_one(InboxMessage, inbox_id).payload)
        queue_late_reply(factory, msg, done.reply)
    return done.fresh
