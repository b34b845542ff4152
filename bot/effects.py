"""Turn handler actions into effects: the passive reply text, and outbox rows for the rest."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from handlers.types import Action, Incoming, Notify, NotifyWorkers, Reply
from models.community import Member
from models.messaging import Notice

log = logging.getLogger(__name__)

# Dialects whose INSERT has ON CONFLICT … DO NOTHING (and RETURNING)
_UPSERTS: dict[str, Callable[[Any], Any]] = {
    "sqlite": sqlite.insert,
    "postgresql": postgresql.insert,
}


def record_effects(session: Session, msg: Incoming, actions: list[Action]) -> str | None:
    """Queue notices in the caller's transaction; return the joined Reply text, if any."""
    replies = [a.text for a in actions if isinstance(a, Reply)]
    for index, action in enumerate(actions):
        if isinstance(action, Notify):
            queue_notice(
                session,
                action.channel or msg.channel,
                action.chat_id,
                action.text,
                f"notify:{msg.channel}:{msg.sender_id}:{msg.msg_id}:{index}",
            )
        elif isinstance(action, NotifyWorkers):
            notify_workers(session, msg, action, index)
    return "\n\n".join(replies) if replies else None


def queue_notice(
    session: Session, channel: str, target: str, text: str, dedupe_key: str, **fields: Any
) -> bool:
    """Add an outbox row unless one with the same dedupe key exists; True if added.

    `fields` are further Notice columns: kind, not_before_at, expires_at, order_id,
    mention_mobile, needs_manual, status.
    """
    row = {"channel": channel, "target": target, "text": text, "dedupe_key": dedupe_key}
    return insert_notices(session, [{**row, **fields}]) == 1


def insert_notices(session: Session, rows: Sequence[Mapping[str, Any]]) -> int:
    """Add outbox rows in one statement, skipping any whose dedupe key exists; return how many.

    INSERT … ON CONFLICT (dedupe_key) DO NOTHING RETURNING id on SQLite and PostgreSQL: no
    read-before-write per row, and a concurrent writer of the same key is skipped, not an error.
    Rows must share one set of keys (Notice column names). A Core statement, not the ORM's
    bulk insert: a third of the cost per call, and no Notice objects enter the session.
    """
    if not rows:
        return 0
    values = [{**row, "dedupe_key": digest_key(row["dedupe_key"])} for row in rows]
    dialect = session.get_bind().dialect.name
    if dialect not in _UPSERTS:
        return sum(_insert_checked(session, row) for row in values)
    session.flush()  # a Notice added to the session but not yet written counts as existing
    table = Notice.__table__
    stmt = _UPSERTS[dialect](table).on_conflict_do_nothing(index_elements=["dedupe_key"])
    return len(session.execute(stmt.returning(table.c.id), values).all())


def digest_key(dedupe_key: str) -> str:
    """The stored key: as given, or its SHA-1 when longer than the column's 200 characters."""
    return dedupe_key if len(dedupe_key) <= 200 else hashlib.sha1(dedupe_key.encode()).hexdigest()


def _insert_checked(session: Session, row: Mapping[str, Any]) -> bool:
    """Other databases: look the key up first (one round trip more per row)."""
    exists = session.scalar(select(Notice.id).where(Notice.dedupe_key == row["dedupe_key"]))
    if exists is not None:
        return False
    session.add(Notice(**row))
    return True


def notify_workers(session: Session, msg: Incoming, action: NotifyWorkers, index: int) -> int:
    """One outbox row per worker (any channel they are reachable on); return how many."""
    workers = session.scalars(select(Member).where(Member.role.in_(("worker", "admin")))).all()
    base = action.dedupe_key or f"workers:{msg.channel}:{msg.sender_id}:{msg.msg_id}:{index}"
    added = sum(
        queue_notice(session, w.channel, w.external_id, action.text, f"{base}:{w.id}")
        for w in workers
    )
    if not workers:
        log.warning("no worker to notify: %s", action.text[:60])
    return added
