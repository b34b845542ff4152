"""The inbox: what a delivery stores (its dedupe key and payload), and replies sent late.

Every accepted message has one row, unique per (channel, sender, key), so a platform's retry
finds the message it already delivered. Statements are Core, built once: every message passes
here.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from handlers.types import Incoming
from models.base import table_of, utcnow
from models.messaging import InboxMessage
from models.notices import queue_notice

log = logging.getLogger(__name__)

_inbox = table_of(InboxMessage)
_INSERT_INBOX = insert(_inbox)
_FIND_INBOX = select(_inbox.c.id).where(
    _inbox.c.channel == bindparam("channel_"),
    _inbox.c.sender_id == bindparam("sender_id_"),
    _inbox.c.msg_key == bindparam("msg_key_"),
)
LOCK_INBOX = (
    select(_inbox.c.handled_at, _inbox.c.reply)
    .where(_inbox.c.id == bindparam("inbox_id_"))
    .with_for_update()
)
LOCK_INBOX_SKIP = LOCK_INBOX.with_for_update(skip_locked=True)  # PostgreSQL; SQLite serializes
MARK_HANDLED = (
    update(_inbox)
    .where(_inbox.c.id == bindparam("inbox_id_"))
    .values(handled_at=bindparam("handled_at_"), reply=bindparam("reply_"))
)
_INSERT_NEW: dict[str, Any] = {}  # per dialect, see insert_new


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
    """Insert and commit the inbox row alone; return (row id, is_new). A duplicate keeps the
    first row. (`accept` stores and handles in one transaction; this is the row a crash between
    the two would have left, for the sweeper and its tests.)"""
    engine = _engine(factory)
    try:
        with engine.begin() as conn:
            pk = conn.execute(_INSERT_INBOX, inbox_values(msg)).inserted_primary_key
            assert pk is not None
            return int(pk[0]), True
    except IntegrityError:
        return find_inbox(factory, msg), False


def insert_new(dialect: str) -> Any:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: None for a message already stored (on
    PostgreSQL after waiting for a delivery of it that is still being handled)."""
    stmt = _INSERT_NEW.get(dialect)
    if stmt is None:
        base = (pg_insert if dialect == "postgresql" else sqlite_insert)(_inbox)
        stmt = _INSERT_NEW[dialect] = base.on_conflict_do_nothing(
            index_elements=["channel", "sender_id", "msg_key"]
        ).returning(_inbox.c.id)
    return stmt


def inbox_values(msg: Incoming) -> dict[str, object]:
    """The columns of a new row for this delivery."""
    return {
        "channel": msg.channel,
        "sender_id": msg.sender_id,
        "msg_key": inbox_key(msg),
        "chat_id": msg.chat_id,
        "payload": to_payload(msg),
        "received_at": utcnow(),
    }


def find_inbox(factory: sessionmaker[Session], msg: Incoming) -> int:
    """The id of the stored row of this delivery's message."""
    params = {"channel_": msg.channel, "sender_id_": msg.sender_id, "msg_key_": inbox_key(msg)}
    with _engine(factory).connect() as conn:
        return int(conn.execute(_FIND_INBOX, params).scalar_one())


def _engine(factory: sessionmaker[Session]) -> Engine:
    """The Engine the factory's sessions are bound to (make_session_factory binds one)."""
    bind = factory.kw["bind"]
    assert isinstance(bind, Engine), "store_inbox needs a sessionmaker bound to an Engine"
    return bind


# Channels whose callback may be answered before the reply exists (the 4 s budget): a reply
# that comes later goes through the outbox (customer-service message, robot push, app message).
# The bridge and the simulator answer only after handling; a relay retries, the page reads
# the stored reply.
LATE_REPLY_CHANNELS = frozenset({"mp", "wecom_robot", "wecom_app"})


def queue_late_reply(factory: sessionmaker[Session], msg: Incoming, reply: str) -> bool:
    """Send a reply whose passive answer was given up through the outbox, once per message."""
    with factory.begin() as session:
        return queue_late(session, msg, reply)


def queue_late(session: Session, msg: Incoming, reply: str) -> bool:
    """queue_late_reply in the caller's transaction; False on a channel without late replies."""
    if msg.channel not in LATE_REPLY_CHANNELS:
        return False
    key = f"late-reply:{msg.channel}:{msg.sender_id}:{inbox_key(msg)}"
    queue_notice(session, msg.channel, msg.chat_id, reply, key)
    log.info("%s msg=%s late reply queued in the outbox", msg.channel, msg.msg_id)
    return True
