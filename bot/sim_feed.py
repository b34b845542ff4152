"""What the simulator page shows: the sim chats and people, and one chat's timeline as JSON data.

Read-only queries over the inbox (messages and their stored replies) and the outbox (notices);
kept apart from the blueprint so the views stay thin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from handlers import texts
from models.community import Chat, Household, Member
from models.messaging import InboxMessage, Notice

SIM_CHANNEL = "sim"
PAGE_LIMIT = 200
NOTICE_LIMIT = 100


@dataclass(frozen=True, slots=True)
class SimChat:
    """A group the page offers."""

    external_id: str
    title: str


@dataclass(frozen=True, slots=True)
class SimPerson:
    """Someone the visitor can speak as."""

    external_id: str
    name: str
    role: str
    address: str


def sim_groups(session: Session) -> list[SimChat]:
    """The simulator's group chats, oldest first."""
    rows = session.scalars(
        select(Chat).where(Chat.channel == SIM_CHANNEL, Chat.is_group).order_by(Chat.id)
    )
    return [SimChat(c.external_id, c.title or c.external_id) for c in rows]


def sim_people(session: Session) -> list[SimPerson]:
    """Residents first, then workers and admins, each with their household address."""
    role_order = case((Member.role == "resident", 0), else_=1)
    rows = session.execute(
        select(Member, Household)
        .outerjoin(Household, Member.household_id == Household.id)
        .where(Member.channel == SIM_CHANNEL)
        .order_by(role_order, Member.id)
    ).all()
    return [
        SimPerson(m.external_id, m.display_name or m.external_id, m.role, _address(h))
        for m, h in rows
    ]


def _address(household: Household | None) -> str:
    if household is None:
        return ""
    return "-".join(p for p in (household.building, household.unit, household.room) if p)


def member_name(session: Session, sender_id: str) -> str | None:
    """The display name of a sim member, if the sender is one."""
    return session.scalar(
        select(Member.display_name).where(
            Member.channel == SIM_CHANNEL, Member.external_id == sender_id
        )
    )


def chat_messages(
    session: Session, chat_id: str, after: int, tz: tzinfo
) -> tuple[list[dict[str, Any]], int]:
    """Inbox rows of the chat with id > after, as dicts, and the new cursor.

    Stops before the first row still being handled, so its reply is not skipped by the cursor.
    """
    query = (
        select(InboxMessage)
        .where(
            InboxMessage.channel == SIM_CHANNEL,
            InboxMessage.chat_id == chat_id,
            InboxMessage.id > after,
        )
        .order_by(InboxMessage.id)
    )
    if after == 0:  # first load: the latest page, shown oldest first
        query = query.order_by(None).order_by(InboxMessage.id.desc()).limit(PAGE_LIMIT)
    rows = sorted(session.scalars(query), key=lambda r: r.id)
    out: list[dict[str, Any]] = []
    cursor = after
    for row in rows[:PAGE_LIMIT]:
        if row.handled_at is None:
            break
        cursor = row.id
        if not (row.payload or {}).get("picture_id"):  # the OCR job's text: shown as its notice
            out.append(_message(row, tz))
    return out, cursor


def _message(row: InboxMessage, tz: tzinfo) -> dict[str, Any]:
    payload = row.payload or {}
    reply = row.reply or None
    if row.error and not payload.get("is_group", True):
        reply = texts.INTERNAL_ERROR  # what the 1:1 sender was told
    return {
        "id": row.id,
        "sender_id": row.sender_id,
        "sender_name": str(payload.get("sender_name") or row.sender_id),
        "text": str(payload.get("text", "")) or _placeholder(payload),
        "at": _iso(row.received_at),
        "time": _clock(row.received_at, tz),
        "reply": reply,
        "reply_at": _iso(row.handled_at),
        "reply_time": _clock(row.handled_at, tz),
    }


def _placeholder(payload: dict[str, Any]) -> str:
    """What an image message shows: 图片 #N once queued (the result comes as a notice)."""
    return texts.SIM_IMAGE_LABEL if payload.get("kind") == "image" else ""


def chat_notices(session: Session, chat_id: str, tz: tzinfo) -> list[dict[str, Any]]:
    """Outbox rows for the chat (sent, and still queued) so the page shows what is pending."""
    rows = session.execute(
        select(Notice.id, Notice.text, Notice.status, Notice.sent_at, Notice.created_at)
        .where(Notice.channel == SIM_CHANNEL, Notice.target == chat_id)
        .order_by(Notice.id.desc())
        .limit(NOTICE_LIMIT)
    ).all()
    return [_notice(n.id, n.text, n.status, n.sent_at or n.created_at, tz) for n in reversed(rows)]


def _notice(notice_id: int, text: str, status: str, at: datetime, tz: tzinfo) -> dict[str, Any]:
    return {"id": notice_id, "text": text, "status": status, "at": _iso(at), "time": _clock(at, tz)}


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def _clock(at: datetime | None, tz: tzinfo) -> str:
    """HH:MM in the community's time zone (MM-DD HH:MM when not today)."""
    if at is None:
        return ""
    local = at.astimezone(tz)
    today = datetime.now(tz).date()
    return local.strftime("%H:%M") if local.date() == today else local.strftime("%m-%d %H:%M")
