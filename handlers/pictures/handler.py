"""Routes of pictures: an image is queued for OCR; the text read from it is merged as a repost.

OCR takes seconds, longer than WeChat waits for an answer, so an image message only stores the
picture and answers 收到图片，正在识别…; the OCR job (`scheduler.pictures`) then sends the lines
it read through the pipeline as a message of the same sender carrying `picture_id`. That text
is a 接龙 repost like any paste — the same merge, dedupe, campaign sync and notices — and each
entry it added is linked to its crop of the picture; an entry read with low confidence, or not
read as an entry at all, is kept verbatim and marked 待核实 for a worker to compare.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from handlers import texts
from handlers.context import Context
from handlers.jielong.handler import handle_jielong
from handlers.jielong.post import JielongPost, parse_jielong
from handlers.jielong.repo import FLAG_UNREADABLE, ChainRef, StoredEntry
from handlers.pictures.repo import EntryMark, PictureLine
from handlers.types import Action, ChainChanged, Incoming, NotifyWorkers, Reply

log = logging.getLogger(__name__)

LOW_CONFIDENCE = 0.6  # a line with a character read less surely than this is checked by hand
TITLE_SIMILARITY = 0.8  # a misread title this close to the chat's open chain is that chain
_NUMBER = re.compile(r"^\s*(?:\d{1,3}\s*[.．、,，)）]|[(（]\s*\d{1,3}\s*[)）]|[①-⑳])\s*")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class PictureRead:
    """The text read from a picture, as a 接龙 of this chat (post None: no list in it)."""

    post: JielongPost | None
    lines: tuple[PictureLine, ...]
    text: str = ""  # the repost as merged (a later sheet joined to the earlier ones)


def match_picture(msg: Incoming, ctx: Context) -> str | None:
    """An image message: its media reference ("" when the channel gave none)."""
    return msg.media if msg.kind == "image" else None


def handle_picture(msg: Incoming, media: str, ctx: Context) -> list[Action]:
    """Queue the picture for OCR and say so; the result comes later as a notice."""
    if not media:
        return [Reply(texts.PICTURE_NOT_SUPPORTED)]
    picture_id = ctx.pictures.queue(msg)
    log.info("picture %s queued from channel=%s chat=%s", picture_id, msg.channel, msg.chat_id)
    return [Reply(texts.PICTURE_RECEIVED.format(picture=picture_id))]


def match_picture_text(msg: Incoming, ctx: Context) -> PictureRead | None:
    """The OCR job's message: the picture's lines as a repost of the chain they belong to."""
    if msg.kind != "text" or not msg.picture_id:
        return None
    lines = tuple(ctx.pictures.lines(msg.picture_id))
    post = parse_jielong(msg.text)
    if post is None:
        return _continued(msg, lines, ctx)
    chain = ctx.chains.latest_chain(msg.chat_id)
    if chain is not None and ctx.chains.find_chain(msg.chat_id, post.key) is None:
        retitled = _retitled(msg.text, post, chain)
        if retitled is not None:
            return PictureRead(parse_jielong(retitled), lines, retitled)
    return PictureRead(post, lines, msg.text)


def _continued(msg: Incoming, lines: tuple[PictureLine, ...], ctx: Context) -> PictureRead:
    """A list without its header (the next sheet, or a screenshot scrolled past the title).

    It continues the sender's previous picture of the list, whose lines are kept in front so
    the repost withdraws none of them (lines both show, where screenshots overlap, once); with
    no such picture it joins the chat's open chain under that chain's header.
    """
    before = ctx.pictures.previous_text(msg.chat_id, msg.sender_id, msg.picture_id)
    if before is None or parse_jielong(before) is None:
        chain = ctx.chains.latest_chain(msg.chat_id)
        if chain is None:
            return PictureRead(None, lines)
        before = f"#接龙\n{chain.title}\n"
    seen = {_compact(line) for line in before.split("\n")}
    new = [line for line in msg.text.split("\n") if line.strip() and _compact(line) not in seen]
    text = "\n".join([before.rstrip("\n"), "", *new])
    return PictureRead(parse_jielong(text), lines, text)


def _retitled(text: str, post: JielongPost, chain: ChainRef) -> str | None:
    """A title OCR misread (one character off) is the open chain's title: the text with it."""
    similar = difflib.SequenceMatcher(None, post.key, chain.key).ratio()
    if similar < TITLE_SIMILARITY or post.title not in text:
        return None
    again = text.replace(post.title, chain.title, 1)
    fixed = parse_jielong(again)
    return again if fixed is not None and fixed.key == chain.key else None


def handle_picture_text(msg: Incoming, read: PictureRead, ctx: Context) -> list[Action]:
    """Merge the picture's list into its chain; tell the sender what was read and added."""
    if read.post is None:
        return [Reply(texts.PICTURE_NO_LIST.format(picture=msg.picture_id))]
    return _merge_post(msg, read, ctx)


def _merge_post(msg: Incoming, read: PictureRead, ctx: Context) -> list[Action]:
    """The list merged as a repost: the picture's own summary replaces the 接龙 replies (the
    workers' notice and the chain's change, for the campaign, are kept)."""
    assert read.post is not None
    ctx.pictures.keep_text(msg.picture_id, read.text)
    merged = handle_jielong(msg, read.post, ctx)
    change = next((a for a in merged if isinstance(a, ChainChanged)), None)
    entries = _changed_entries(change, ctx)
    marks = mark_entries(entries, read.lines)
    ctx.pictures.mark_entries(msg.picture_id, marks)
    to_check = [e.seq for e, m in zip(entries, marks, strict=True) if m.to_check]
    summary = _summary(msg.picture_id, read, len(entries), to_check)
    kept = [a for a in merged if isinstance(a, NotifyWorkers)]
    return [Reply(summary), *kept, *([replace(change, doubts=None)] if change else [])]


def _changed_entries(change: ChainChanged | None, ctx: Context) -> list[StoredEntry]:
    if change is None or not change.seqs:
        return []
    seqs = set(change.seqs)
    entries = ctx.chains.list_entries(change.chain_id)
    return [e for e in entries if e.seq in seqs and e.status == "active"]


def mark_entries(entries: Sequence[StoredEntry], lines: Sequence[PictureLine]) -> list[EntryMark]:
    """Each entry's crop and confidence from the lines that carry its text."""
    free = [(_compact(_NUMBER.sub("", ln.text)), ln) for ln in lines]
    marks: list[EntryMark] = []
    for entry in entries:
        raw = _compact(entry.parsed.raw)
        mine = [ln for key, ln in free if key and key in raw]
        free = [(k, ln) for k, ln in free if ln not in mine]
        conf = min((ln.confidence for ln in mine), default=0.0)
        crop = _union([ln.crop for ln in mine]) if mine else (0, 0, 0, 0)
        doubtful = not entry.parsed.readable or FLAG_UNREADABLE in entry.flags
        marks.append(EntryMark(entry.id, crop, conf, doubtful or conf < LOW_CONFIDENCE))
    return marks


def _summary(picture_id: int, read: PictureRead, added: int, to_check: list[int]) -> str:
    assert read.post is not None
    title = read.post.title if len(read.post.title) <= 20 else read.post.title[:19] + "…"
    lines = len(read.post.lines)
    if not added:
        return texts.PICTURE_READ_NOTHING_NEW.format(picture=picture_id, title=title, lines=lines)
    text = texts.PICTURE_READ.format(picture=picture_id, title=title, lines=lines, added=added)
    if to_check:
        seqs = "、".join(str(s) for s in to_check[:10]) + ("…" if len(to_check) > 10 else "")
        text += texts.PICTURE_TO_CHECK.format(count=len(to_check), seqs=seqs)
    return text


def _compact(text: str) -> str:
    return _SPACES.sub("", text)


def _union(crops: Sequence[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    return (
        min(c[0] for c in crops),
        min(c[1] for c in crops),
        max(c[2] for c in crops),
        max(c[3] for c in crops),
    )
