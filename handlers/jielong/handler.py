"""Routes of the 接龙 feature: reposts and pastes, sentence orders and 取消 while a chain is open.

In a busy group silence is better than 200 acknowledgements: a reply is sent only when the
sender needs to know something (a chain started, an import, an edit, a withdrawal, a line
that could not be read); workers are told about possible duplicates and unreadable lines.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from handlers import texts
from handlers.context import Context
from handlers.jielong.doubts import DOUBTS, seq_ranges
from handlers.jielong.header import household_limit
from handlers.jielong.merge import Added, MergeResult, merge_post
from handlers.jielong.normalize import line_key
from handlers.jielong.post import JielongPost, parse_jielong
from handlers.jielong.reading import reading_text
from handlers.jielong.repo import (
    FLAG_POSSIBLE_DUPLICATE,
    FLAG_SENTENCE,
    ChainRef,
    Item,
    NewEntry,
    ParsedEntry,
    StoredEntry,
)
from handlers.jielong.sentence import (
    cancel_targets,
    is_cancel,
    mentions_self,
    names_entries,
    names_goods,
    plus_only,
    reply_part,
    sentence_chain,
)
from handlers.types import Action, ChainChanged, Incoming, NotifyWorkers, Reply

log = logging.getLogger(__name__)

IMPORT_MIN_LINES = 5  # a paste adding this many lines at once gets a count back
OPEN_FOR = timedelta(days=7)  # sentence orders join a chain opened within this time
_WORKER_FLAGS = frozenset((*DOUBTS, FLAG_POSSIBLE_DUPLICATE))


@dataclass(frozen=True, slots=True)
class ChainRequest:
    """A sentence order or a 取消 aimed at the chat's open chain."""

    chain: ChainRef
    kind: Literal["order", "cancel"]
    parsed: ParsedEntry | None = None
    line_key: str = ""
    targets: tuple[StoredEntry, ...] = ()
    candidates: tuple[StoredEntry, ...] = ()


def match_jielong(msg: Incoming, ctx: Context) -> JielongPost | None:
    """A 接龙 snapshot (post, repost or a worker's paste); None for anything else."""
    if msg.kind != "text" or not msg.text:
        return None
    return parse_jielong(msg.text)


def handle_jielong(msg: Incoming, post: JielongPost, ctx: Context) -> list[Action]:
    """Merge the snapshot into its chain; speak only when it helps."""
    result = merge_post(ctx.chains, msg.chat_id, msg.sender_id, post, msg.received_at)
    log.info(
        "jielong chain=%s added=%d edited=%d withdrawn=%d",
        result.chain.id,
        len(result.added),
        len(result.edited),
        len(result.withdrawn),
    )
    if not result.chain.is_order_list:
        return []
    reply = _reply_text(result, post)
    actions: list[Action] = [Reply(reply)] if reply else []
    doubts = _doubts_reply(result)
    if doubts is not None:
        actions.append(doubts)
    notice = _workers_notice(result)
    if notice is not None:
        actions.append(notice)
    if result.created or result.changed:
        seqs = (*(a.seq for a in result.added), *result.edited, *result.withdrawn)
        actions.append(ChainChanged(result.chain.id, seqs, result.created, doubts))
    return actions


def _doubts_reply(result: MergeResult) -> Reply | None:
    """待核实 lines among those just added, in one short reply."""
    doubts = doubt_parts(result.added, with_raw=False)
    if not doubts:
        return None
    title = _short(result.chain.title)
    return Reply(texts.JIELONG_DOUBTS_REPLY.format(title=title, doubts="；".join(doubts)))


def _reply_text(result: MergeResult, post: JielongPost) -> str:
    title = _short(result.chain.title)
    parts: list[str] = []
    if len(result.added) >= IMPORT_MIN_LINES:
        parts.append(texts.JIELONG_IMPORTED.format(title=title, count=len(result.added)))
    if result.created:
        limit = household_limit([post.title, *post.rules])
        parts.append(reading_text(title, result.chain.products, limit))
    if result.edited:
        parts.append(texts.JIELONG_EDITED.format(title=title, seqs=_seqs(result.edited)))
    if result.withdrawn:
        parts.append(texts.JIELONG_WITHDRAWN.format(title=title, seqs=_seqs(result.withdrawn)))
    return "\n".join(parts)


def _workers_notice(result: MergeResult) -> NotifyWorkers | None:
    """One notice per message, summarised by reason with seq ranges (never one per line)."""
    doubts = doubt_parts(result.added, with_raw=True)
    duplicates = [a.seq for a in result.added if FLAG_POSSIBLE_DUPLICATE in a.entry.flags]
    if duplicates:
        doubts.append(texts.JIELONG_CHECK_DUPLICATE.format(seqs=seq_ranges(duplicates)))
    if not doubts:
        return None
    title = _short(result.chain.title)
    count = sum(1 for a in result.added if set(a.entry.flags) & _WORKER_FLAGS)
    details = "；".join(doubts)
    return NotifyWorkers(
        text=texts.JIELONG_WORKERS_CHECK.format(title=title, count=count, details=details),
        dedupe_key=f"jielong-check:{result.chain.id}:{result.added[0].seq}",
    )


def doubt_parts(added: Sequence[Added], *, with_raw: bool) -> list[str]:
    """'第394–402条商品不在清单（9条）' for each reason an added entry is in doubt, in order;
    with_raw shows the line itself when a reason concerns one entry only."""
    parts: list[str] = []
    for reason in DOUBTS:
        hit = [a for a in added if reason in a.entry.flags]
        if not hit:
            continue
        seqs = seq_ranges(a.seq for a in hit)
        part = texts.JIELONG_DOUBT[reason].format(seqs=seqs)
        if len(hit) > 1:
            part += texts.JIELONG_DOUBT_COUNT.format(count=len(hit))
        if with_raw and len(hit) == 1:
            part += f"（{_short(hit[0].entry.parsed.raw.replace(chr(10), ' '), 30)}）"
        parts.append(part)
    return parts


def match_chain_line(msg: Incoming, ctx: Context) -> ChainRequest | None:
    """While order chains are open here: a sentence order, or the author's 取消."""
    if msg.kind != "text":
        return None
    text = reply_part(msg.text)
    if not text:
        return None
    chains = [c for c in ctx.chains.recent_chains(msg.chat_id) if _is_open(c, msg.received_at)]
    if not chains:
        return None
    if is_cancel(text):
        return _match_cancel(msg, text, chains, ctx)
    chain, parsed = sentence_chain(text, chains)
    if parsed is None:
        parsed = _plus_one(text, chain)
        if parsed is None:
            return None
        parsed = _with_household(msg, parsed, ctx)
        if parsed.room is None:
            return None  # a bare +1 from someone whose home is unknown
    elif parsed.room is None and parsed.building is None:
        parsed = _with_household(msg, parsed, ctx)
        if parsed.room is None and ctx.chains.entries_by_author(chain.id, msg.sender_id):
            return None  # '改一下，口罩要两盒' from someone already in the list: no new entry
    return ChainRequest(chain=chain, kind="order", parsed=parsed, line_key=line_key(text))


def _is_open(chain: ChainRef, at: datetime) -> bool:
    opened = chain.opened_at
    if opened.tzinfo is None or at.tzinfo is None:
        return True
    return at - opened <= OPEN_FOR


def _match_cancel(
    msg: Incoming, text: str, chains: Sequence[ChainRef], ctx: Context
) -> ChainRequest | None:
    """The 取消 goes to the newest chain with the sender's entries, or, when it names goods,
    to the newest one whose entries it names."""
    theirs = [(c, m) for c in chains if (m := ctx.chains.entries_by_author(c.id, msg.sender_id))]
    if not theirs:
        return None
    named = [(c, m) for c, m in theirs if names_entries(text, m, c.products)]
    if not named and any(names_goods(text, c.products) for c in chains):
        return None  # '菜包不要了' after their 菜包 line is gone: not their 鸡蛋 line
    chain, mine = (named or theirs)[0]
    targets = cancel_targets(text, mine, chain.products)
    if not targets and not mentions_self(text):
        return None
    return ChainRequest(chain=chain, kind="cancel", targets=tuple(targets), candidates=tuple(mine))


def _plus_one(text: str, chain: ChainRef) -> ParsedEntry | None:
    count = plus_only(text)
    if count is None or len(chain.products) != 1:
        return None
    product = chain.products[0]
    return ParsedEntry(raw=text, items=(Item(product.name, float(count), product.unit),))


def _with_household(msg: Incoming, parsed: ParsedEntry, ctx: Context) -> ParsedEntry:
    home = ctx.members.household(msg.channel, msg.sender_id)
    if home is None:
        return parsed
    return ParsedEntry(
        raw=parsed.raw,
        building=home.building,
        unit=home.unit,
        room=home.room,
        items=parsed.items,
    )


def handle_chain_line(msg: Incoming, line: ChainRequest, ctx: Context) -> list[Action]:
    """Add the sentence order as the next entry, or withdraw what the 取消 names."""
    if line.kind == "cancel":
        return _handle_cancel(msg, line, ctx)
    if line.parsed is None:
        return []
    repo = ctx.chains
    if repo.seen_counts(line.chain.id, [line.line_key]).get(line.line_key, 0) > 0:
        return []  # the same sentence again: once is enough
    entry = NewEntry(
        author_id=msg.sender_id,
        line_key=line.line_key,
        parsed=line.parsed,
        seen_at=msg.received_at,
        flags=(FLAG_SENTENCE,),
    )
    (seq,) = repo.add_entries(line.chain.id, [entry])
    repo.add_seen(line.chain.id, {line.line_key: 1})
    template = (
        texts.JIELONG_SENTENCE_ADDED
        if line.parsed.room or line.parsed.building
        else texts.JIELONG_SENTENCE_NO_ADDRESS
    )
    summary = summarize(line.parsed)
    reply = Reply(template.format(title=_short(line.chain.title), seq=seq, summary=summary))
    return [reply, ChainChanged(line.chain.id, (seq,))]


def _handle_cancel(msg: Incoming, line: ChainRequest, ctx: Context) -> list[Action]:
    title = _short(line.chain.title)
    if not line.targets:
        seqs = [e.seq for e in line.candidates]
        text = texts.JIELONG_CANCEL_WHICH.format(title=title, count=len(seqs), seqs=_seqs(seqs))
        return [Reply(text)]
    ctx.chains.withdraw([e.id for e in line.targets], msg.received_at)
    seqs = [e.seq for e in line.targets]
    reply = Reply(texts.JIELONG_CANCELLED.format(title=title, seqs=_seqs(seqs)))
    return [reply, ChainChanged(line.chain.id, tuple(seqs))]


def summarize(parsed: ParsedEntry) -> str:
    """'11-1204 手工水饺2袋': the household and items, as a worker would read them."""
    home = "-".join(p for p in (parsed.building, parsed.unit, parsed.room) if p)
    items = "、".join(f"{i.name}{_qty(i.qty)}{i.unit or ''}" for i in parsed.items)
    return " ".join(p for p in (home, items) if p)


def _qty(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _seqs(seqs: list[int]) -> str:
    return "、".join(str(s) for s in seqs[:10]) + ("…" if len(seqs) > 10 else "")


def _short(text: str, size: int = 20) -> str:
    text = text.strip()
    return text if len(text) <= size else text[: size - 1] + "…"
