"""The OCR job: read queued pictures one at a time and send their lines through the pipeline.

It runs in the scheduler process (never in a webhook's 5 s): claim a picture under a lease,
fetch it if only its media id is known, decode it within limits, OCR it, rebuild the list's
lines, then hand them to `bot.pipeline.process` as a text message of the picture's sender
(`picture_id` set), so the merge, dedupe, campaign sync and notices are those of a pasted
repost. What the sender is told arrives as a notice in the chat the picture came from.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, tzinfo

from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import ChannelError
from bot.config import DEFAULT_ZONE
from bot.pictures.decode import MAX_BYTES, PictureError, Reason, decode_picture
from bot.pictures.fetch import Fetch
from bot.pictures.ocr import read_boxes
from bot.pipeline import process
from handlers import texts
from handlers.pictures.lines import PictureText, read_picture_lines
from handlers.types import Incoming
from models.base import utcnow
from models.notices import queue_notice
from models.pictures_repo import (
    MAX_ATTEMPTS,
    ClaimedPicture,
    claim_picture,
    finish_picture,
    keep_data,
    requeue,
    store_lines,
)

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
RETRY_AFTER = timedelta(seconds=30)
_SENTENCES: dict[Reason, str] = {
    "too_large": texts.PICTURE_TOO_LARGE,
    "too_many_pixels": texts.PICTURE_TOO_MANY_PIXELS,
    "not_image": texts.PICTURE_NOT_IMAGE,
    "no_text": texts.PICTURE_NO_TEXT,
    "unavailable": texts.PICTURE_UNAVAILABLE,
}


def read_queued_pictures(
    factory: sessionmaker[Session],
    fetch: Fetch,
    threads: int = 1,
    limit: int = 5,
    *,
    tz: tzinfo = DEFAULT_ZONE,
) -> int:
    """Read up to `limit` queued pictures, oldest first; return how many were finished."""
    done = 0
    while done < limit:
        claimed = claim_picture(factory, utcnow(), LEASE)
        if claimed is None:
            break
        read_picture(factory, claimed, fetch, threads, tz)
        done += 1
    return done


def read_picture(
    factory: sessionmaker[Session],
    claimed: ClaimedPicture,
    fetch: Fetch,
    threads: int,
    tz: tzinfo,
) -> None:
    """One picture from bytes to merged entries; every failure ends in a sentence to the sender."""
    try:
        read = _read(factory, claimed, fetch, threads)
    except PictureError as exc:
        log.info("picture %s not read: %s", claimed.id, exc)
        _fail(factory, claimed, exc.reason, str(exc))
        return
    except ChannelError as exc:
        log.warning(
            "picture %s download failed (attempt %d): %s", claimed.id, claimed.attempts, exc
        )
        if claimed.attempts < MAX_ATTEMPTS and exc.retryable:
            requeue(factory, claimed.id, utcnow() + RETRY_AFTER)
        else:
            _fail(factory, claimed, "unavailable", str(exc))
        return
    store_lines(factory, claimed.id, read.lines)
    msg = _text_message(claimed, read)
    reply = process(factory, msg, tz=tz)
    if reply:
        _tell(factory, claimed, reply)
    finish_picture(factory, claimed.id)
    log.info("picture %s read: %d lines, header=%s", claimed.id, len(read.lines), read.has_header)


def _read(
    factory: sessionmaker[Session], claimed: ClaimedPicture, fetch: Fetch, threads: int
) -> PictureText:
    data = claimed.data
    if data is None:
        data = fetch(claimed.media)
        keep_data(factory, claimed.id, data)
    image = decode_picture(data)
    boxes = read_boxes(image, threads)
    if not boxes:
        raise PictureError("no_text")
    return read_picture_lines(boxes, image.width)


def _text_message(claimed: ClaimedPicture, read: PictureText) -> Incoming:
    """The picture's lines as a text from its sender (a repost when they hold a list)."""
    m = claimed.message
    return Incoming(
        channel=str(m.get("channel", "")),
        msg_id=f"picture:{claimed.id}",
        sender_id=str(m.get("sender_id", "")),
        chat_id=str(m.get("chat_id", "")),
        text="\n".join(line.text for line in read.lines),
        received_at=_received_at(m.get("received_at")),
        sender_name=str(m.get("sender_name", "")),
        is_group=bool(m.get("is_group", False)),
        picture_id=claimed.id,
    )


def _received_at(value: object) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return utcnow()


def _fail(
    factory: sessionmaker[Session], claimed: ClaimedPicture, reason: Reason, why: str
) -> None:
    limit = f"{MAX_BYTES // (1024 * 1024)} MB"
    _tell(factory, claimed, _SENTENCES[reason].format(picture=claimed.id, limit=limit))
    finish_picture(factory, claimed.id, error=why[:500])


def _tell(factory: sessionmaker[Session], claimed: ClaimedPicture, text: str) -> None:
    m = claimed.message
    with factory.begin() as session:
        queue_notice(
            session,
            str(m.get("channel", "")),
            str(m.get("chat_id", "")),
            text,
            f"picture:{claimed.id}",
        )
