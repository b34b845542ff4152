"""Who serves whom: the community of a message, and the staff a community's notices reach.

One rule for the chat (urgent needs, flagged lines: NotifyWorkers), the scheduler (escalation)
and the needs a worker sees: a message belongs to its chat's community, else its sender's;
a community's notices reach its own workers and the admins (who oversee every community).
A message of no known community reaches every worker and admin: better twice than never.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models.community import Chat, Member

STAFF_ROLES = ("worker", "admin")
# A group robot can post only into chats, never to a person by userid: a worker known on the
# robot (to run commands in groups) is told things on their other channels (the app, …).
UNREACHABLE_STAFF_CHANNELS = ("wecom_robot",)


def community_of(session: Session, channel: str, chat_id: str, sender_id: str) -> int | None:
    """The community of a message: its chat's, else its sender's (None when neither is known).

    `channel` narrows both lookups when given (a chat id is unique per channel only).
    """
    chat = select(Chat.community_id).where(Chat.external_id == chat_id)
    member = select(Member.community_id).where(Member.external_id == sender_id)
    if channel:
        chat = chat.where(Chat.channel == channel)
        member = member.where(Member.channel == channel)
    found = session.scalars(chat.where(Chat.community_id.is_not(None)).limit(1)).first()
    if found is not None:
        return found
    return session.scalars(member.where(Member.community_id.is_not(None)).limit(1)).first()


def staff_of(session: Session, community_id: int | None) -> list[Member]:
    """The workers of `community_id` and every admin (everyone on the staff for None), on the
    channels a notice can reach them 1:1."""
    stmt = (
        select(Member)
        .where(Member.role.in_(STAFF_ROLES), Member.channel.not_in(UNREACHABLE_STAFF_CHANNELS))
        .order_by(Member.id)
    )
    if community_id is not None:
        stmt = stmt.where(or_(Member.community_id == community_id, Member.role == "admin"))
    return list(session.scalars(stmt))
