"""The one outbox writer (one statement for many notices, skipping dedupe keys already
queued) and the channel a group is reached on.

Shared by the pipeline's effects (`bot.effects`), the web pages, the scheduler's jobs and the
campaign repository, so every writer shortens long keys the same way and none reads before it
writes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from models.base import table_of
from models.community import Chat
from models.messaging import Notice

IN_CHUNK = 900  # ids per IN list: under SQLite's oldest 999-parameter limit
KEY_MAX = 200  # Notice.dedupe_key is String(200); PostgreSQL refuses a longer value

# Dialects whose INSERT has ON CONFLICT … DO NOTHING (and RETURNING)
_UPSERTS: dict[str, Callable[[Any], Any]] = {
    "sqlite": sqlite.insert,
    "postgresql": postgresql.insert,
}
_notices = table_of(Notice)


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
    stmt = _UPSERTS[dialect](_notices).on_conflict_do_nothing(index_elements=["dedupe_key"])
    return len(session.execute(stmt.returning(_notices.c.id), values).all())


def queue_notice(
    session: Session, channel: str, target: str, text: str, dedupe_key: str, **fields: Any
) -> bool:
    """Add an outbox row unless one with the same dedupe key exists; True if added.

    `fields` are further Notice columns: kind, not_before_at, expires_at, order_id,
    mention_mobile, needs_manual, status.
    """
    row = {"channel": channel, "target": target, "text": text, "dedupe_key": dedupe_key}
    return insert_notices(session, [{**row, **fields}]) == 1


def digest_key(dedupe_key: str) -> str:
    """The stored key: as given, or its SHA-1 when longer than the column's 200 characters."""
    if len(dedupe_key) <= KEY_MAX:
        return dedupe_key
    return hashlib.sha1(dedupe_key.encode()).hexdigest()


def _insert_checked(session: Session, row: Mapping[str, Any]) -> bool:
    """Other databases: look the key up first (one round trip more per row)."""
    exists = session.scalar(select(Notice.id).where(Notice.dedupe_key == row["dedupe_key"]))
    if exists is not None:
        return False
    session.add(Notice(**row))
    session.flush()  # a later row of the same batch with this key sees it
    return True


def chat_channels(session: Session, chat_ids: Collection[str]) -> dict[str, list[str]]:
    """The channels each chat is registered on, in registration order (absent: unknown chat).

    One group id can exist on several channels (a bridge and a robot, say); callers pick one
    with `pick_channel`, never whichever row the database returns first.
    """
    out: dict[str, list[str]] = {}
    ids = sorted(set(chat_ids))
    for at in range(0, len(ids), IN_CHUNK):
        rows = session.execute(
            select(Chat.external_id, Chat.channel)
            .where(Chat.external_id.in_(ids[at : at + IN_CHUNK]))
            .order_by(Chat.id)
        )
        for chat_id, channel in rows:
            out.setdefault(chat_id, []).append(channel)
    return out


def pick_channel(registered: Sequence[str], preferred: str) -> str | None:
    """`preferred` (the campaign's channel) when the chat is registered there, else the channel
    it was registered on first; None for an unknown chat."""
    if preferred and preferred in registered:
        return preferred
    return registered[0] if registered else None


def chat_channel(session: Session, chat_id: str, preferred: str = "") -> str | None:
    """The channel to reach one group on (see `pick_channel`)."""
    return pick_channel(chat_channels(session, [chat_id]).get(chat_id, []), preferred)
