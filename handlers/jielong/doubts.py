"""What Linli is not sure of in an entry, with the reason a worker reads, and seq ranges.

An entry is never dropped and never invented: a line read with doubt is kept as written and
flagged 待核实 with why (no address, an item the price list does not sell, a range of counts).
Doubts reach people summarised ('第394–402号共9条商品不在清单'), never one message per line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from handlers.jielong.items import pack_only
from handlers.jielong.products import match_product
from handlers.jielong.repo import (
    DOUBT_FLAGS,
    FLAG_DOUBT_NO_ADDRESS,
    FLAG_DOUBT_QTY_RANGE,
    FLAG_DOUBT_UNKNOWN_ITEM,
    FLAG_UNREADABLE,
    ParsedEntry,
    Product,
)

DOUBTS = DOUBT_FLAGS
_RANGE = re.compile(r"\d\s*[-~～到至]\s*\d+\s*(?:份|袋|箱|斤|盒|瓶|个|包|桶|只|件)")


def entry_doubts(parsed: ParsedEntry, products: Sequence[Product]) -> tuple[str, ...]:
    """Why this entry of an order list needs a worker's eye (empty: read with confidence)."""
    if not parsed.readable:
        return (FLAG_UNREADABLE,)
    found: list[str] = []
    if parsed.building is None and parsed.unit is None and parsed.room is None:
        found.append(FLAG_DOUBT_NO_ADDRESS)
    if products and any(_unknown(item.name, products) for item in parsed.items):
        found.append(FLAG_DOUBT_UNKNOWN_ITEM)
    if _RANGE.search(parsed.raw):
        found.append(FLAG_DOUBT_QTY_RANGE)
    return tuple(found)


def _unknown(name: str, products: Sequence[Product]) -> bool:
    if any(name == p.name for p in products):
        return False
    return not pack_only(name) and match_product(name, products) is None


def seq_ranges(seqs: Iterable[int]) -> str:
    """'394–402、410': runs of consecutive numbers joined, in order, each number once."""
    ordered = sorted(set(seqs))
    parts: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        parts.append(str(ordered[i]) if i == j else f"{ordered[i]}–{ordered[j]}")
        i = j + 1
    return "、".join(parts)
