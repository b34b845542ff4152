"""Turn claimed notices for one destination into deliveries: singles, or packed reminder batches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from bot.channels.base import Channel, Format, Message
from bot.channels.batching import Chunk, pack, split_text
from handlers import texts
from models.outbox import Claimed

# kind -> (text header, markdown header): kinds a group robot may merge into one message
BATCH_HEADERS = {
    "reminder": (texts.REMINDER_BATCH_HEADER, texts.REMINDER_BATCH_HEADER_MD),
    "followup": (texts.FOLLOW_UP_BATCH_HEADER, texts.FOLLOW_UP_BATCH_HEADER_MD),
}


@dataclass(frozen=True, slots=True)
class Delivery:
    """The notices that are marked sent once all `parts` went out (usually one part)."""

    notice_ids: tuple[int, ...]
    parts: tuple[Message, ...]


def plan(channel: Channel, notices: Sequence[Claimed]) -> list[Delivery]:
    """Deliveries for notices that share one (channel, target), in id order."""
    batchable = [n for n in notices if channel.limits.batch and n.kind in BATCH_HEADERS]
    singles = [single(channel, n) for n in notices if n not in batchable]
    batched = [
        d
        for kind, group in groupby(sorted(batchable, key=lambda n: n.kind), key=lambda n: n.kind)
        for d in batch(channel, kind, list(group))
    ]
    return singles + batched


def single(channel: Channel, notice: Claimed) -> Delivery:
    """One notice as text, split on line boundaries when over the channel's byte limit."""
    mentions = (notice.mention_mobile,) if notice.mention_mobile else ()
    parts = split_text(notice.text, channel.limits.text_bytes)
    return Delivery((notice.id,), tuple(Message(notice.target, p, "text", mentions) for p in parts))


def batch(channel: Channel, kind: str, notices: Sequence[Claimed]) -> list[Delivery]:
    """Markdown chunks (≤ markdown bytes) for plain lines; text chunks (≤ text bytes) for lines
    that @-mention a phone, since only text messages carry mentioned_mobile_list."""
    header, header_md = BATCH_HEADERS[kind]
    target = notices[0].target
    phones = {n.id: n.mention_mobile for n in notices if n.mention_mobile}
    plain = [(n.id, n.text) for n in notices if n.id not in phones]
    mentioned = [(n.id, n.text) for n in notices if n.id in phones]
    limits = channel.limits
    deliveries: list[Delivery] = []
    if plain and limits.markdown_bytes:
        deliveries += _join(target, pack(plain, header_md, limits.markdown_bytes), "markdown", {})
    elif plain:
        deliveries += _join(target, pack(plain, header, limits.text_bytes), "text", {})
    if mentioned:
        deliveries += _join(target, pack(mentioned, header, limits.text_bytes), "text", phones)
    return deliveries


def _join(
    target: str, chunks: Sequence[Chunk], fmt: Format, phones: dict[int, str]
) -> list[Delivery]:
    """Consecutive chunks of one oversized notice become one multi-part delivery."""
    out: list[Delivery] = []
    for ids, group in groupby(chunks, key=lambda c: c.notice_ids):
        mentions = tuple(dict.fromkeys(phones[i] for i in ids if i in phones))
        parts = tuple(Message(target, c.text, fmt, mentions) for c in group)
        out.append(Delivery(tuple(ids), parts))
    return out
