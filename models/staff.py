"""Who serves whom: the community of a message, and the staff a community's notices reach.

One rule for the chat (urgent needs, flagged lines: NotifyWorkers), the scheduler (escalation)
and the needs a worker sees: a message belongs to its chat's community, else its sender's;
a community's notices reach its own workers and the admins (who oversee every community).
A message of no known community reaches every worker and admin: better twice than never.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from models.base import core_connection, table_of
from models.community import Chat, Member

STAFF_ROLES = ("worker", "admin")
# A group robot can post only into chats, never to a person by userid: a worker known on the
# robot (to run commands in groups) is told things on their other channels (the app, …).
UNREACHABLE_STAFF_CHANNELS = ("wecom_robot",)

# Every need and every flagged repost asks this: statements built once (building and keying
# them per call cost more than the two indexed lookups themselves).
_chats, _members = table_of(Chat), table_of(Member)
_CHAT_COMMUNITY = (
    select(_chats.c.community_id)
    .where(_chats.c.external_id == bindparam("chat_id_"), _chats.c.community_id.is_not(None))
    .limit(1)
)
_MEMBER_COMMUNITY = (
    select(_members.c.community_id)
    .where(_members.c.external_id == bindparam("sender_id_"), _members.c.community_id.is_not(None))
    .limit(1)
)
_ON_CHANNEL = (
    _CHAT_COMMUNITY.where(_chats.c.channel == bindparam("channel_")),
    _MEMBER_COMMUNITY.where(_members.c.channel == bindparam("channel_")),
)


def community_of(session: Session, channel: str, chat_id: str, sender_id: str) -> int | None:
    """The community of a message: its chat's, else its sender's (None when neither is known).

    `channel` narrows both lookups when given (a chat id is unique per channel only).
    """
    chat, member = _ON_CHANNEL if channel else (_CHAT_COMMUNITY, _MEMBER_COMMUNITY)
    params = {"channel_": channel, "chat_id_": chat_id, "sender_id_": sender_id}
    conn = core_connection(session)
    found = conn.execute(chat, params).scalar()
    return found if found is not None else conn.execute(member, params).scalar()


@dataclass(frozen=True, slots=True)
class Staff:
    """A worker or admin as a notice addresses them."""

    id: int
    channel: str
    external_id: str
    community_id: int | None
    role: str


_STAFF_COLS = (
    _members.c.id,
    _members.c.channel,
    _members.c.external_id,
    _members.c.community_id,
    _members.c.role,
)
_ALL_STAFF = (
    select(*_STAFF_COLS)
    .where(
        _members.c.role.in_(STAFF_ROLES),
        _members.c.channel.not_in(UNREACHABLE_STAFF_CHANNELS),
    )
    .order_by(_members.c.id)
)
_STAFF_OF = _ALL_STAFF.where(
    or_(_members.c.community_id == bindparam("community_id_"), _members.c.role == "admin")
)


def staff_of(session: Session, community_id: int | None) -> list[Staff]:
    """The workers of `community_id` and every admin (everyone on the staff for None), on the
    channels a notice can reach them 1:1."""
    stmt = _ALL_STAFF if community_id is None else _STAFF_OF
    rows = core_connection(session).execute(stmt, {"community_id_": community_id})
    return [Staff(*row) for row in rows]
