"""The union merge of a 接龙 repost into its chain, through ChainRepo only.

Rules (ARCHITECTURE "接龙 semantics", REPLAY.md):
- a chain is its chat plus its normalised title;
- a line never seen before is a new entry, authored by the sender of the first repost carrying
  it; its k-th copy inside one repost is new only when fewer than k copies were seen before;
- a line once seen is never new again (stale copies change nothing);
- a line missing from someone else's repost is never a withdrawal; the author reposting
  without his own line withdraws it, unless a new line of the same household replaces it
  (an edit: same seq, fields replaced).

Linear in the text received: keys are computed for every line, the repo is asked once for
their counts, and only new lines are parsed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from operator import attrgetter

from handlers.jielong.address import find_address, household
from handlers.jielong.doubts import entry_doubts
from handlers.jielong.entry import parse_entry
from handlers.jielong.normalize import halfwidth, table_cells
from handlers.jielong.post import JielongPost
from handlers.jielong.post_lines import PostLine
from handlers.jielong.repo import (
    FLAG_POSSIBLE_DUPLICATE,
    FLAG_SENTENCE,
    ChainRef,
    ChainRepo,
    NewEntry,
    ParsedEntry,
    Product,
    StoredEntry,
)

_KEY = attrgetter("key")
READS_MAX = 1 << 15  # distinct (line, catalogue) pairs kept: a busy evening of a district


@lru_cache(maxsize=READS_MAX)
def read_entry(text: str, products: tuple[Product, ...]) -> ParsedEntry:
    """parse_entry, once per distinct line of a chain (its text and the chain's catalogue).

    A repost repeats the lines before it, and an author's shorter repost makes the merge look
    at the households of its old lines: on bench/webhook.py's mix parse_entry ran 13,169 times
    for 2,000 messages (about 0.3 ms of CPU a message); read once, about 2,000 (the lines that
    are really new).
    """
    return parse_entry(text, products)


@dataclass(frozen=True, slots=True)
class Added:
    """An entry this repost added."""

    seq: int
    entry: NewEntry


@dataclass(slots=True)
class MergeResult:
    """What one repost changed in its chain."""

    chain: ChainRef
    created: bool = False
    added: list[Added] = field(default_factory=list)
    edited: list[int] = field(default_factory=list)  # seqs
    withdrawn: list[int] = field(default_factory=list)  # seqs

    @property
    def changed(self) -> bool:
        """True when the chain's entries changed."""
        return bool(self.added or self.edited or self.withdrawn)


@dataclass(frozen=True, slots=True)
class _Fresh:
    line: PostLine
    copy: int  # 1 for the first copy of this key in the repost, 2 for the second, …
    parsed: ParsedEntry


def merge_post(
    repo: ChainRepo, chat_id: str, sender_id: str, post: JielongPost, at: datetime
) -> MergeResult:
    """Merge one snapshot into its chain (created on first sight) and say what changed."""
    chain, created = _chain_for(repo, chat_id, sender_id, post, at)
    result = MergeResult(chain=chain, created=created)
    counts = Counter(map(_KEY, post.lines))
    seen = repo.seen_counts(chain.id, list(counts)) if counts else {}
    products = chain.products or post.products
    new = _new_lines(post, counts, seen)
    fresh = [_Fresh(ln, k, read_entry(ln.text, products)) for ln, k in new]
    missing = _missing_own(repo.entries_by_author(chain.id, sender_id), counts)
    if missing:
        fresh = _settle_missing(repo, result, missing, fresh, post, at, products)
    if fresh:
        entries = [_new_entry(f, sender_id, chain, at, products) for f in fresh]
        seqs = repo.add_entries(chain.id, entries)
        result.added = [Added(seq, entry) for seq, entry in zip(seqs, entries, strict=True)]
    raised = _raised(counts, seen, new)
    if raised:
        repo.add_seen(chain.id, raised)
    return result


def _chain_for(
    repo: ChainRepo, chat_id: str, sender_id: str, post: JielongPost, at: datetime
) -> tuple[ChainRef, bool]:
    chain = repo.find_chain(chat_id, post.key)
    if chain is not None:
        return chain, False
    made = repo.create_chain(
        chat_id, post.key, post.title, post.is_order_list, post.products, sender_id, at
    )
    return made, True


def _new_lines(
    post: JielongPost, counts: Counter[str], seen: dict[str, int]
) -> list[tuple[PostLine, int]]:
    """Lines whose k-th copy in this repost exceeds the copies seen before."""
    if len(counts) == len(post.lines):  # no repeats, the usual case: unseen keys only
        unseen = counts.keys() - seen.keys()
        return [(line, 1) for line in post.lines if line.key in unseen] if unseen else []
    copies: Counter[str] = Counter()
    out: list[tuple[PostLine, int]] = []
    for line in post.lines:
        copies[line.key] += 1
        if copies[line.key] > seen.get(line.key, 0):
            out.append((line, copies[line.key]))
    return out


def _raised(
    counts: Counter[str], seen: dict[str, int], new: list[tuple[PostLine, int]]
) -> dict[str, int]:
    """Keys this repost carries more copies of than were seen: what storage must count up."""
    if len(new) == 0:
        return {}
    return {
        line.key: counts[line.key] for line, _ in new if counts[line.key] > seen.get(line.key, 0)
    }


def _missing_own(mine: Sequence[StoredEntry], counts: Counter[str]) -> list[StoredEntry]:
    """The sender's active entries this repost no longer carries (the latest copies first)."""
    left = Counter(counts)
    missing: list[StoredEntry] = []
    for entry in mine:
        if left[entry.line_key] > 0:
            left[entry.line_key] -= 1
        else:
            missing.append(entry)
    return missing


def _settle_missing(
    repo: ChainRepo,
    result: MergeResult,
    missing: list[StoredEntry],
    fresh: list[_Fresh],
    post: JielongPost,
    at: datetime,
    products: Sequence[Product],
) -> list[_Fresh]:
    """Edits (a new line of the same household) and withdrawals; returns the lines still new."""
    remaining = list(fresh)
    withdraw: list[StoredEntry] = []
    stale: set[tuple[str | None, str | None]] | None = None
    for entry in missing:
        match = next((f for f in remaining if _same_household(f.parsed, entry.parsed)), None)
        if match is None:  # her own line with its address corrected: the same name
            match = next((f for f in remaining if _same_name(f.parsed, entry.parsed)), None)
        if match is not None:
            remaining.remove(match)
            repo.replace_entry(entry.id, match.line.key, match.parsed, at)
            result.edited.append(entry.seq)
            continue
        if FLAG_SENTENCE in entry.flags:
            continue  # never in any list: only the author's 取消 or an edit changes it
        if stale is None:
            stale = _stale_households(post, {f.line.key for f in fresh}, products)
        if (_household_of(entry.parsed), entry.parsed.name) not in stale:
            withdraw.append(entry)
    if withdraw:
        repo.withdraw([e.id for e in withdraw], at)
        result.withdrawn.extend(e.seq for e in withdraw)
    return remaining


def _household_of(parsed: ParsedEntry) -> str | None:
    return household(parsed.building, parsed.unit, parsed.room)


def _same_household(a: ParsedEntry, b: ParsedEntry) -> bool:
    ha, hb = _household_of(a), _household_of(b)
    if ha is not None or hb is not None:
        return ha == hb
    return a.name is not None and a.name == b.name


def _same_name(a: ParsedEntry, b: ParsedEntry) -> bool:
    return a.name is not None and a.name == b.name


def _stale_households(
    post: JielongPost, fresh_keys: set[str], products: Sequence[Product]
) -> set[tuple[str | None, str | None]]:
    """(household, name) of the repost's old lines: an author's stale copy of his own entry."""
    out: set[tuple[str | None, str | None]] = set()
    for line in post.lines:
        if (
            line.key not in fresh_keys
            and find_address(halfwidth(table_cells(line.text))) is not None
        ):
            parsed = read_entry(line.text, tuple(products))
            out.add((_household_of(parsed), parsed.name))
    return out


def _new_entry(
    fresh: _Fresh, sender_id: str, chain: ChainRef, at: datetime, products: Sequence[Product]
) -> NewEntry:
    flags: list[str] = []
    if fresh.copy > 1:
        flags.append(FLAG_POSSIBLE_DUPLICATE)
    if chain.is_order_list:
        flags.extend(entry_doubts(fresh.parsed, products))
    return NewEntry(
        author_id=sender_id,
        line_key=fresh.line.key,
        parsed=fresh.parsed,
        seen_at=at,
        flags=tuple(flags),
    )
