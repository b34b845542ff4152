"""SqlChatLog: a chat's recent messages, read back from the inbox.

Every accepted message is already an inbox row with its whole payload, so what was said in a
chat needs no table of its own; several worker processes handle one chat, and all of them
read the same rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.needs.repo import ChatLine
from models.messaging import InboxMessage

RECENT_ROWS = 200  # the newest rows looked at; a busy group's six hours fit
_TEXT_KINDS = frozenset({"text", "voice"})


class SqlChatLog:
    """ChatLog on the caller's Session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def recent_lines(self, chat_id: str, since: datetime, excluding: str) -> list[ChatLine]:
        """The chat's text messages sent since `since` by anyone but `excluding`, newest
        first. Rows are taken newest first by id (the inbox's received_at is when a row was
        stored, so a replayed transcript's own times are read from the payload)."""
        payloads = self.session.scalars(
            select(InboxMessage.payload)
            .where(InboxMessage.chat_id == chat_id, InboxMessage.sender_id != excluding)
            .order_by(InboxMessage.id.desc())
            .limit(RECENT_ROWS)
        )
        lines = (_line(payload) for payload in payloads)
        return [line for line in lines if line is not None and line.at >= since]


def _line(payload: dict[str, Any]) -> ChatLine | None:
    """The payload's text and send time; None for pictures, events and unreadable rows."""
    text, sent = payload.get("text"), payload.get("received_at")
    if payload.get("kind", "text") not in _TEXT_KINDS or not isinstance(text, str) or not text:
        return None
    try:
        at = datetime.fromisoformat(str(sent))
    except ValueError:
        return None
    if at.tzinfo is None:
        return None
    return ChatLine(sender_id=str(payload.get("sender_id", "")), text=text, at=at)
