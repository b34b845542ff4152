"""The one pipeline every channel uses: a delivery is stored in the inbox and handled in one
transaction, and acknowledged only once that transaction has committed.

WeChat retries a callback three times within ~15 s, and a process can die mid-way. A delivery is
answered 200 only after its inbox row and everything it caused are committed together, so a
crash before that loses nothing (the platform retries) and costs no second transaction per
message. A retry finds the row (waiting on its unique key while the first delivery is still
being handled) and gets the stored reply instead of a second handling. A reply ready after the
channel's budget (`deadline`: the 4 s a 公众号 answer has) goes through the outbox in the same
transaction, and is not stored as the passive answer (the platform's retry would show it twice).
Rows left unhandled — stored alone by `store_inbox` (an older version, a crash test) — are
handled by the next delivery of the message, or by the scheduler's sweeper
(`scheduler.inbox`), which hands them to `sweep_row`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from typing import TypeVar, cast

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import DEFAULT_ZONE
from bot.effects import record_effects
from bot.inbox import (
    LATE_REPLY_CHANNELS,
    LOCK_INBOX,
    LOCK_INBOX_SKIP,
    MARK_HANDLED,
    find_inbox,
    from_payload,
    inbox_key,
    inbox_values,
    insert_new,
    queue_late,
    queue_late_reply,
    store_inbox,
    to_payload,
)
from handlers import texts
from handlers.community.repo import NO_LINKS, LinkIssuer
from handlers.community.setup import announce_new_group
from handlers.routes import dispatch
from handlers.types import Incoming
from models.base import utcnow
from models.member_activity import note_message
from models.messaging import InboxMessage
from models.repos import sql_context

__all__ = [  # the inbox's names the pipeline's callers know it by
    "LATE_REPLY_CHANNELS",
    "from_payload",
    "inbox_key",
    "queue_late_reply",
    "store_inbox",
    "to_payload",
]

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_ATTEMPTS = 3
RETRY_SQLSTATES = frozenset({"40P01", "40001"})  # deadlock detected, serialization failure


@dataclass(frozen=True, slots=True)
class Handled:
    """What handling a row gave: the reply, and whether this call produced it (False: another
    delivery had, or — `skipped` — is handling it right now)."""

    reply: str | None
    fresh: bool
    skipped: bool = False
    duplicate: bool = False  # the message was stored by an earlier delivery


def process(
    factory: sessionmaker[Session],
    msg: Incoming,
    links: LinkIssuer = NO_LINKS,
    *,
    tz: tzinfo = DEFAULT_ZONE,
) -> str | None:
    """Accept one message and return the passive reply text (None: nothing to say).

    `tz` (here and below): the configured zone (`Settings.zone`) the handlers read and show
    times in; the web app and the scheduler pass theirs, tests and tools get the default's."""
    return accept(factory, msg, links, tz=tz).reply


def accept(
    factory: sessionmaker[Session],
    msg: Incoming,
    links: LinkIssuer = NO_LINKS,
    deadline: float | None = None,
    *,
    tz: tzinfo = DEFAULT_ZONE,
) -> Handled:
    """Store and handle one delivery in one transaction; a duplicate gets the stored reply.

    `deadline` (time.monotonic()): a reply ready after it goes through the outbox (on the
    channels that have one for replies, LATE_REPLY_CHANNELS) and the answer is "success".
    A transaction PostgreSQL aborts to break a deadlock (a repost holding its chain while a
    worker's command holds the campaign) is run again from the start, up to MAX_ATTEMPTS.
    """
    done = _attempts(
        lambda: _accept_once(factory, msg, links, deadline, tz),
        lambda: _failed_delivery(factory, msg),
        f"channel={msg.channel} msg={msg.msg_id}",
    )
    if done is not None:
        return done
    log.info("duplicate delivery channel=%s msg=%s", msg.channel, msg.msg_id)
    stored = handle_row(factory, find_inbox(factory, msg), None, links, tz=tz)
    return Handled(stored.reply, stored.fresh, stored.skipped, duplicate=True)


def _accept_once(
    factory: sessionmaker[Session],
    msg: Incoming,
    links: LinkIssuer,
    deadline: float | None,
    tz: tzinfo,
) -> Handled | None:
    """The row and its handling; None when the row was there already (a duplicate)."""
    with factory.begin() as session:
        conn = session.connection()
        inbox_id = conn.execute(insert_new(conn.dialect.name), inbox_values(msg)).scalar()
        if inbox_id is None:
            return None
        return _handle_in(session, inbox_id, msg, links, tz, deadline)


def _handle_in(
    session: Session,
    inbox_id: int,
    msg: Incoming,
    links: LinkIssuer,
    tz: tzinfo,
    deadline: float | None = None,
) -> Handled:
    """Dispatch, record effects and mark the row handled, in the caller's transaction."""
    note_message(session, msg)  # the 公众号's 48 h window opens at the resident's message
    ctx = sql_context(session, tz, msg.channel, now=lambda: msg.received_at, links=links)
    actions = [*announce_new_group(msg, ctx), *dispatch(msg, ctx)]
    reply = record_effects(session, msg, actions)
    if (
        reply
        and deadline is not None
        and time.monotonic() > deadline
        and queue_late(session, msg, reply)
    ):
        reply = None  # sent through the outbox: a retry must not show it a second time
    params = {"inbox_id_": inbox_id, "handled_at_": utcnow(), "reply_": reply or ""}
    session.connection().execute(MARK_HANDLED, params)
    return Handled(reply, fresh=True)


def _attempts(
    run: Callable[[], T],
    failed: Callable[[], T],
    what: str,
    busy: Callable[[DBAPIError], T] | None = None,
) -> T:
    """run(), again from the start when PostgreSQL aborted it to break a deadlock (up to
    MAX_ATTEMPTS); failed() (inside the except: it logs the traceback) when it cannot succeed."""
    attempt = 1
    while True:
        try:
            return run()
        except DBAPIError as exc:
            if busy is not None and isinstance(exc, OperationalError):
                return busy(exc)
            if attempt >= MAX_ATTEMPTS or not _worth_retrying(exc):
                return failed()
            log.warning("retrying %s after %s", what, _sqlstate(exc))
            attempt += 1
        except Exception:  # a bug must not lose the message nor answer 500 to WeChat
            return failed()


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def _worth_retrying(exc: DBAPIError) -> bool:
    """Deadlock detected or serialization failure: the same work succeeds when run again."""
    return _sqlstate(exc) in RETRY_SQLSTATES


def _failed_delivery(factory: sessionmaker[Session], msg: Incoming) -> Handled:
    """Handling a new delivery failed (its transaction rolled back): keep the message, flagged
    for a worker, as a row of its own; a delivery that stored it meanwhile keeps its handling."""
    log.exception("handling failed channel=%s msg=%s", msg.channel, msg.msg_id)
    inbox_id, _ = store_inbox(factory, msg)
    return Handled(
        _mark_failed(factory, inbox_id, None if msg.is_group else texts.INTERNAL_ERROR), True
    )


# --- rows stored before: a duplicate's reply, rows left unhandled ---------------------------


def handle_row(
    factory: sessionmaker[Session],
    inbox_id: int,
    msg: Incoming | None = None,
    links: LinkIssuer = NO_LINKS,
    *,
    skip_locked: bool = False,
    tz: tzinfo = DEFAULT_ZONE,
) -> Handled:
    """A stored row: its reply when handled, else handled now (and marked) in one transaction.

    A duplicate delivery and the sweeper come here: the row lock and `handled_at` make one of
    them handle a row left unhandled (stored alone, then the process died) and the others read
    its reply. `msg` None: handle the stored payload. `skip_locked` (the scheduler's sweeper):
    leave a row another transaction holds. Deadlocks are retried as in `accept`.
    """

    def busy(exc: DBAPIError) -> Handled:  # the sweeper: a row held elsewhere waits for later
        log.warning("sweep left inbox_id=%s for later: %s", inbox_id, exc.orig)
        return Handled(None, fresh=False, skipped=True)

    return _attempts(
        lambda: _handle_once(factory, inbox_id, msg, links, tz, skip_locked),
        lambda: Handled(_failed(factory, inbox_id, msg), fresh=True),
        f"inbox_id={inbox_id}",
        busy if skip_locked else None,
    )


def _handle_once(
    factory: sessionmaker[Session],
    inbox_id: int,
    msg: Incoming | None,
    links: LinkIssuer,
    tz: tzinfo,
    skip_locked: bool,
) -> Handled:
    with factory.begin() as session:
        conn = session.connection()
        lock = LOCK_INBOX_SKIP if skip_locked else LOCK_INBOX
        row = conn.execute(lock, {"inbox_id_": inbox_id}).one_or_none()
        if row is None:
            return Handled(None, fresh=False, skipped=True)
        if row.handled_at is not None:
            return Handled(cast(str | None, row.reply) or None, fresh=False)
        msg = msg or from_payload(session.get_one(InboxMessage, inbox_id).payload)
        return _handle_in(session, inbox_id, msg, links, tz)


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


def handle_pending(
    factory: sessionmaker[Session], links: LinkIssuer = NO_LINKS, *, tz: tzinfo = DEFAULT_ZONE
) -> int:
    """Handle inbox rows a crash left unhandled (called at start-up); return how many."""
    with factory() as session:
        pending = session.scalars(
            select(InboxMessage.id)
            .where(InboxMessage.handled_at.is_(None))
            .order_by(InboxMessage.id)
        ).all()
    handled = sum(sweep_row(factory, inbox_id, links, tz=tz) for inbox_id in pending)
    if handled:
        log.info("handled %d messages left from before the restart", handled)
    return handled


def sweep_row(
    factory: sessionmaker[Session],
    inbox_id: int,
    links: LinkIssuer = NO_LINKS,
    *,
    tz: tzinfo = DEFAULT_ZONE,
) -> bool:
    """Handle one row whose request is gone (a killed worker, a restart), unless a delivery
    is handling it now; its reply goes through the outbox. True if this call handled it."""
    done = handle_row(factory, inbox_id, None, links, skip_locked=True, tz=tz)
    if done.fresh and done.reply:
        with factory() as session:
            msg = from_payload(session.get_one(InboxMessage, inbox_id).payload)
        queue_late_reply(factory, msg, done.reply)
    return done.fresh
