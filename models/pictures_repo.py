"""SqlPictureRepo (the handlers' port) and the OCR job's side of the `pictures` queue.

A picture is queued in the transaction that handles its message; the job claims it under a
lease (a crashed job's picture is taken again once the lease ends), stores what it read, and
marks it done or failed. Uploads (simulator, replay) are stored first and queued by the message
that carries them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from handlers.jielong.repo import FLAG_UNREADABLE
from handlers.pictures.repo import FLAG_PICTURE, EntryMark, PictureLine
from handlers.types import Incoming
from models.base import utcnow
from models.chain import ChainEntry
from models.picture import Picture, PictureEntry

MAX_ATTEMPTS = 3
CONTINUES_WITHIN = timedelta(days=1)  # a sheet without header continues a picture this recent
UPLOAD = "upload:"


class SqlPictureRepo:
    """PictureRepo on the caller's Session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def queue(self, msg: Incoming) -> int:
        """Queue the message's picture (taking over its upload row when there is one)."""
        row = self._upload(msg)
        if row is None:
            row = Picture(channel=msg.channel, chat_id=msg.chat_id, sender_id=msg.sender_id)
            row.media = msg.media
            self.session.add(row)
        row.status, row.message = "queued", message_fields(msg)
        self.session.flush()
        return row.id

    def _upload(self, msg: Incoming) -> Picture | None:
        if not msg.media.startswith(UPLOAD) or not msg.media[len(UPLOAD) :].isdigit():
            return None
        row = self.session.get(Picture, int(msg.media[len(UPLOAD) :]))
        ours = row is not None and row.status == "upload" and row.sender_id == msg.sender_id
        return row if ours else None

    def lines(self, picture_id: int) -> Sequence[PictureLine]:
        """The lines the job stored."""
        row = self.session.get(Picture, picture_id)
        return [line_from_json(item) for item in (row.lines if row else [])]

    def mark_entries(self, picture_id: int, marks: Sequence[EntryMark]) -> None:
        """Flag the entries (picture:N, and 待核实 when to check) and keep their crops."""
        tag = FLAG_PICTURE.format(picture=picture_id)
        for mark in marks:
            entry = self.session.get(ChainEntry, mark.entry_id)
            if entry is None:
                continue
            wanted = [tag, FLAG_UNREADABLE] if mark.to_check else [tag]
            flags = list(entry.flags or [])
            entry.flags = flags + [f for f in wanted if f not in flags]
            x0, y0, x1, y1 = mark.crop
            self.session.merge(
                PictureEntry(
                    entry_id=mark.entry_id,
                    picture_id=picture_id,
                    x0=x0,
                    y0=y0,
                    x1=x1,
                    y1=y1,
                    confidence=round(mark.confidence, 3),
                )
            )

    def keep_text(self, picture_id: int, text: str) -> None:
        """Store the repost text on the picture."""
        row = self.session.get(Picture, picture_id)
        if row is not None:
            row.text = text

    def previous_text(self, chat_id: str, sender_id: str, before: int) -> str | None:
        """The latest earlier picture's repost from this sender in this chat, within a day."""
        return self.session.scalar(
            select(Picture.text)
            .where(
                Picture.chat_id == chat_id,
                Picture.sender_id == sender_id,
                Picture.id < before,
                Picture.text.is_not(None),
                Picture.created_at >= utcnow() - CONTINUES_WITHIN,
            )
            .order_by(Picture.id.desc())
            .limit(1)
        )


def message_fields(msg: Incoming) -> dict[str, Any]:
    """What the job needs to speak as the picture's sender."""
    return {
        "channel": msg.channel,
        "msg_id": msg.msg_id,
        "sender_id": msg.sender_id,
        "chat_id": msg.chat_id,
        "sender_name": msg.sender_name,
        "is_group": msg.is_group,
        "received_at": msg.received_at.isoformat(),
    }


def line_to_json(line: PictureLine) -> dict[str, Any]:
    """A read line as stored in `pictures.lines`."""
    return {"text": line.text, "confidence": round(line.confidence, 3), "crop": list(line.crop)}


def line_from_json(item: dict[str, Any]) -> PictureLine:
    """Inverse of line_to_json."""
    x0, y0, x1, y1 = (int(v) for v in item.get("crop", (0, 0, 0, 0)))
    return PictureLine(
        str(item.get("text", "")), float(item.get("confidence", 0.0)), (x0, y0, x1, y1)
    )


def store_upload(session: Session, channel: str, chat_id: str, sender_id: str, data: bytes) -> int:
    """Keep an uploaded picture until its message queues it; its id (media "upload:ID")."""
    row = Picture(channel=channel, chat_id=chat_id, sender_id=sender_id, data=data)
    row.media, row.status = "", "upload"
    session.add(row)
    session.flush()
    return row.id


@dataclass(frozen=True, slots=True)
class ClaimedPicture:
    """A picture the job holds until its lease ends."""

    id: int
    media: str
    data: bytes | None
    message: dict[str, Any]
    attempts: int


def claim_picture(
    factory: sessionmaker[Session], now: datetime, lease: timedelta
) -> ClaimedPicture | None:
    """The oldest queued picture (or one whose job died), leased to the caller."""
    with factory.begin() as session:
        row = session.scalars(
            select(Picture)
            .where(
                or_(
                    Picture.status == "queued",
                    (Picture.status == "reading") & (Picture.lease_until < now),
                )
            )
            .order_by(Picture.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if row is None:
            return None
        row.status, row.lease_until, row.attempts = "reading", now + lease, row.attempts + 1
        return ClaimedPicture(row.id, row.media, row.data, dict(row.message or {}), row.attempts)


def keep_data(factory: sessionmaker[Session], picture_id: int, data: bytes) -> None:
    """Store the downloaded bytes (media ids expire after three days; crops need them)."""
    with factory.begin() as session:
        session.get_one(Picture, picture_id).data = data


def store_lines(
    factory: sessionmaker[Session], picture_id: int, lines: Sequence[PictureLine]
) -> None:
    """Keep what the OCR read (the handler of the picture's text reads it back)."""
    with factory.begin() as session:
        session.get_one(Picture, picture_id).lines = [line_to_json(line) for line in lines]


def finish_picture(
    factory: sessionmaker[Session], picture_id: int, error: str | None = None
) -> None:
    """Close the job: done, or failed with the reason."""
    with factory.begin() as session:
        row = session.get_one(Picture, picture_id)
        row.status, row.error = ("failed", error) if error else ("done", None)
        row.lease_until, row.done_at = None, utcnow()


def requeue(factory: sessionmaker[Session], picture_id: int, at: datetime) -> None:
    """Try again after `at` (a download that failed for a passing reason)."""
    with factory.begin() as session:
        session.get_one(Picture, picture_id).lease_until = at


def picture_crop(
    session: Session, picture_id: int, entry_id: int
) -> tuple[bytes, tuple[int, int, int, int]] | None:
    """The picture's bytes and the entry's box in it (the worker's 待核实 view)."""
    link = session.get(PictureEntry, entry_id)
    row = session.get(Picture, picture_id)
    if link is None or row is None or link.picture_id != picture_id or not row.data:
        return None
    return row.data, (link.x0, link.y0, link.x1, link.y1)
