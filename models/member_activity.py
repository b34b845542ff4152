"""When a member last wrote to Linli: the 公众号's 48-hour customer-service window opens there.

Written by the pipeline for every message it handles, whatever the channel, so the window a
notice is checked against is the resident's real last message; retention also reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, case, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from handlers.types import Incoming
from models.base import core_connection, table_of
from models.community import Member

_members = table_of(Member)
_INSERTS: dict[str, Callable[[Any], Any]] = {
    "sqlite": sqlite.insert,
    "postgresql": postgresql.insert,
}
_UPSERTS: dict[str, Any] = {}  # per dialect, built once (building it per message cost ~1 ms)
_MOVE_FORWARD = (
    update(_members)
    .where(
        _members.c.channel == bindparam("channel_"),
        _members.c.external_id == bindparam("sender_id_"),
        _members.c.last_message_at.is_(None) | (_members.c.last_message_at < bindparam("at_")),
    )
    .values(last_message_at=bindparam("at_"))
)
# Events that are not the user reaching out: they open no window (Tencent's list of
# interactions that do: a message, a menu click, following, a QR scan…).
SILENT_EVENTS = frozenset({"unsubscribe"})
WINDOWED_CHANNELS = frozenset({"mp"})  # customer-service messages within 48 h only


def opens_window(msg: Incoming) -> bool:
    """True for what the platform counts as the user's last interaction."""
    return not (msg.kind == "event" and msg.event in SILENT_EVENTS)


def note_message(session: Session, msg: Incoming) -> None:
    """Move the sender's last_message_at to the message's time (never backwards).

    On a channel with a messaging window (the 公众号) a sender Linli has not met becomes a
    resident member, or the window would stay shut; elsewhere only known members are updated.
    """
    if not opens_window(msg):
        return
    conn = core_connection(session)
    dialect = conn.dialect.name
    if msg.channel not in WINDOWED_CHANNELS or dialect not in _INSERTS:
        _update(session, msg)
        return
    values = {
        "channel": msg.channel,
        "external_id": msg.sender_id,
        "display_name": msg.sender_name[:100],
        "last_message_at": msg.received_at,
    }
    conn.execute(_upsert(dialect), values)


def _upsert(dialect: str) -> Any:
    """INSERT a member … ON CONFLICT move last_message_at forward (never backwards)."""
    stmt = _UPSERTS.get(dialect)
    if stmt is None:
        base = _INSERTS[dialect](_members)
        later, current = base.excluded.last_message_at, _members.c.last_message_at
        stmt = _UPSERTS[dialect] = base.on_conflict_do_update(
            index_elements=[_members.c.channel, _members.c.external_id],
            set_={
                "last_message_at": case(
                    (current.is_(None) | (current < later), later), else_=current
                )
            },
        )
    return stmt


def _update(session: Session, msg: Incoming) -> None:
    """Only a known member moves; on another database a windowed sender is also added."""
    params = {"channel_": msg.channel, "sender_id_": msg.sender_id, "at_": msg.received_at}
    done = core_connection(session).execute(_MOVE_FORWARD, params)
    if msg.channel not in WINDOWED_CHANNELS or done.rowcount:
        return
    known = select(Member.id).where(
        Member.channel == msg.channel, Member.external_id == msg.sender_id
    )
    if session.scalar(known) is None:
        session.add(
            Member(
                channel=msg.channel,
                external_id=msg.sender_id,
                display_name=msg.sender_name[:100],
                last_message_at=msg.received_at,
            )
        )
        session.flush()
