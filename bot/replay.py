"""`python -m bot replay`: run a transcript through the real pipeline on in-memory SQLite.

The output format is a contract (shared/REPLAY.md): one JSON object with `orders` and `needs`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy.orm import Session, sessionmaker

from bot.pictures.decode import MAX_BYTES, PictureError
from bot.pipeline import process
from handlers.jielong.repo import StoredEntry
from handlers.types import Incoming
from models.base import make_engine, make_session_factory
from models.chains_repo import SqlChainRepo
from models.migrate import upgrade_to_head
from models.needs_repo import SqlNeedRepo
from models.pictures_repo import store_upload
from scheduler.pictures import read_queued_pictures

log = logging.getLogger(__name__)

REQUIRED = ("chat", "sender")
START = datetime(2000, 1, 1, tzinfo=UTC)
FILE = "file:"  # an "image" line's picture, read from disk when the line is replayed
OCR_THREADS = 2  # replay is offline: OCR may use every core


@dataclass(frozen=True, slots=True)
class BadLine:
    """A transcript line that could not be used, with the reason."""

    lineno: int
    reason: str


def read_transcript(text: str) -> Iterator[Incoming | BadLine]:
    """Parse JSON Lines into Incoming messages; a missing `ts` is one second after the last."""
    last = START
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        item = _parse_line(line)
        if isinstance(item, str):
            yield BadLine(lineno, item)
            continue
        at = _timestamp(item.get("ts"), last)
        if at is None:
            yield BadLine(lineno, f"bad ts {item.get('ts')!r}")
            continue
        last = at
        image = item.get("image")
        yield Incoming(
            channel="replay",
            msg_id=f"L{lineno}",
            sender_id=str(item["sender"]),
            chat_id=str(item["chat"]),
            text="" if image else str(item["text"]),
            received_at=at,
            sender_name=str(item.get("sender_name") or ""),
            is_group=True,
            kind="image" if image else "text",
            media=f"{FILE}{image}" if image else "",
        )


def _parse_line(line: str) -> dict[str, Any] | str:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return f"not valid JSON ({exc.msg})"
    if not isinstance(item, dict):
        return "not a JSON object"
    missing = [k for k in REQUIRED if not isinstance(item.get(k), str)]
    has_image = isinstance(item.get("image"), str) and bool(item["image"])
    if not isinstance(item.get("text"), str) and not has_image:
        missing.append("text (or image)")
    return f"missing or non-text field: {', '.join(missing)}" if missing else item


def _timestamp(value: object, last: datetime) -> datetime | None:
    if value is None:
        return last + timedelta(seconds=1)
    try:
        at = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _with_upload(factory: sessionmaker[Session], msg: Incoming, base: Path) -> Incoming | BadLine:
    """Store the line's picture as an upload; the message then carries "upload:ID"."""
    lineno = int(msg.msg_id.removeprefix("L"))
    path = Path(msg.media.removeprefix(FILE))
    path = path if path.is_absolute() else base / path
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)  # one byte more than allowed: "too large" is said
    except OSError as exc:
        return BadLine(lineno, f"cannot read image {str(path)!r}: {exc.strerror}")
    with factory.begin() as session:
        upload = store_upload(session, msg.channel, msg.chat_id, msg.sender_id, data)
    return replace(msg, media=f"upload:{upload}")


def _no_download(media: str) -> bytes:
    raise PictureError("unavailable", "replay reads pictures from files only")


def order_json(chat_id: str, chain_title: str, entry: StoredEntry) -> dict[str, Any]:
    """One entry in the contract's shape."""
    p = entry.parsed
    return {
        "chat": chat_id,
        "chain": chain_title,
        "seq": entry.seq,
        "sender": entry.author_id,
        "building": p.building,
        "unit": p.unit,
        "room": p.room,
        "name": p.name,
        "items": [{"name": i.name, "qty": _number(i.qty), "unit": i.unit} for i in p.items],
        "phone": p.phone,
        "note": p.note,
        "status": entry.status,
        "raw": p.raw,
        "flags": list(entry.flags),
    }


def _number(qty: float) -> int | float:
    return int(qty) if float(qty).is_integer() else qty


def collect(session: Session) -> dict[str, list[dict[str, Any]]]:
    """Everything understood: order-list entries of every chain, then the needs."""
    chains = SqlChainRepo(session)
    orders = [
        order_json(c.chat_id, c.title, e)
        for c in chains.all_chains()
        if c.is_order_list
        for e in chains.list_entries(c.id)
    ]
    needs = [
        {
            "chat": n.chat_id,
            "sender": n.sender_id,
            "text": n.draft.text,
            "category": n.draft.category,
            "urgent": n.draft.urgent,
        }
        for n in SqlNeedRepo(session).list_needs()
    ]
    return {"orders": orders, "needs": needs}


def fresh_database() -> sessionmaker[Session]:
    """A new in-memory SQLite database at the newest schema."""
    engine = make_engine("sqlite://")
    upgrade_to_head(engine)
    return make_session_factory(engine)


def replay(path: Path, out: TextIO, err: TextIO, xlsx: Path | None = None) -> int:
    """Run the transcript, print the JSON result; exit status 1 when any line was skipped."""
    factory = fresh_database()
    status = 0
    for item in read_transcript(path.read_text(encoding="utf-8-sig")):
        if isinstance(item, Incoming) and item.kind == "image":
            item = _with_upload(factory, item, path.parent)
        if isinstance(item, BadLine):
            err.write(f"{path}:{item.lineno}: skipped: {item.reason}\n")
            status = 1
            continue
        process(factory, item)
        if item.kind == "image":  # offline: the OCR job runs at once, in this process
            read_queued_pictures(factory, _no_download, OCR_THREADS)
    with factory() as session:
        result = collect(session)
    json.dump(result, out, ensure_ascii=False, indent=2)
    out.write("\n")
    if xlsx is not None:
        from bot.sheets import write_replay_sheet

        write_replay_sheet(result, xlsx)
    return status
