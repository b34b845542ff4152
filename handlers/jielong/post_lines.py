"""One line of a 接龙 post, read once, and the entry layout of a post's lines.

A repost repeats every line of the one before, so each distinct line is read once
(`read_line`, cached) and the layout passes over a post's lines run at C speed where they can
(`map`, `compress`, slices): a 1000-entry chain reposted 1000 times is half a million lines.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress, count
from operator import attrgetter

from handlers.jielong.address import find_address
from handlers.jielong.normalize import (
    clean,
    cn_number,
    halfwidth,
    is_decorative,
    line_key,
    table_cells,
)
from handlers.jielong.phone import find_phone
from handlers.jielong.quantity import QTY, UNIT_RE

_CIRCLED = "\u2460-\u249b\u24ea-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf"
_NUMBERING = re.compile(
    r"^\s*(?:[(（]\s*(?P<p>[0-9０-９]{1,4}|[一二三四五六七八九十百]{1,4})\s*[)）]"
    rf"|(?P<c>[{_CIRCLED}])[.．、]?"
    r"|(?P<d>[0-9０-９]{1,5})\s*[.．、，,)）]"
    r"|(?P<z>[一二三四五六七八九十百]{1,4})\s*[、.．]"
    r"|跟团号\s*[:：]?\s*(?P<g>[0-9０-９]{1,5})(?![0-9０-９])\s*[.．、，,:：]?)\s*"
)  # 跟团号：N numbers the rows of a 快团团 export
_EXAMPLE = re.compile(r"^\s*(?:例|示例|举例|范例|例如|样例|格式|参考格式|模板|填写格式)\s*[:：]?")
_EXAMPLE_FIRST = frozenset("例示举范样格参模填")
_PRICE = re.compile(r"(?:\d\s*(?:元|块(?!钱|装))|[¥￥$]\s*\d)")
_UNIT_PRICE = re.compile(rf"\d\s*(?:元|块)\s*(?:/|每|一)\s*{UNIT_RE}|[¥￥$]\s*\d+(?:\.\d+)?\s*/")
_DASHES = re.compile(r"^(?:\s*[-—–_=·]\s*){5,}$")
# What a line does in the entry list (computed once per distinct line, see Line.kind).
BREAK = 0  # blank, dashes or an example: ends the current entry
STARTS = 1  # a numbered entry or a household address: starts an entry
ENDS = 2  # numbered but no entry (a price line, a bare number): ends the current entry
PLAIN = 3  # continues the current entry, else part of the tail


@dataclass(frozen=True, slots=True)
class PostLine:
    """One entry of a snapshot: its text (numbering removed, lines joined) and its key."""

    key: str
    text: str


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a post with everything the layout needs, computed once per distinct line."""

    text: str  # cleaned, stripped
    body: str  # numbering removed
    num: int | None
    key: str  # line_key of the body
    example: bool
    price: bool  # a product line (大米 50元/袋), never an entry
    dashes: bool
    household: bool  # starts with a household address
    single: PostLine  # this line as a one-line entry
    entry_number: bool  # numbered like an entry (not an example nor a product line)
    kind: int  # BREAK, STARTS, ENDS or PLAIN
    not_start: bool  # kind != STARTS: where the entry layout has to look (see group_entries)
    first: bool  # an entry numbered 1 (where a list may begin)


@lru_cache(maxsize=1 << 16)
def read_line(raw: str) -> Line:
    """One raw line of the post, cleaned and read. Cached: a repost repeats almost every line
    of the one before, so each is read once."""
    line = clean(raw).strip()
    m = _NUMBERING.match(line)
    body = line if m is None else line[m.end() :].strip()
    num = None if m is None else _number_value(m)
    key = line_key(body) if body else ""
    example = _is_example(body)
    price = _has_price(body)
    dashes = bool(line) and _DASHES.match(line) is not None
    household = bool(line) and num is None and starts_household(line)
    if not line or dashes or example:
        kind = BREAK
    elif num is not None:
        kind = STARTS if body and not price else ENDS
    else:
        kind = STARTS if household else PLAIN
    return Line(
        text=line,
        body=body,
        num=num,
        key=key,
        example=example,
        price=price,
        dashes=dashes,
        household=household,
        single=PostLine(key=key, text=body),
        entry_number=num is not None and not example and not price,
        kind=kind,
        not_start=kind != STARTS,
        first=num == 1 and not example and not price,
    )


def _number_value(m: re.Match[str]) -> int | None:
    token = m["p"] or m["d"] or m["z"] or m["g"]
    if m["c"]:
        return int(unicodedata.numeric(m["c"]))
    assert token is not None
    if token.isdigit():
        return int(token)  # int() reads full-width digits too
    value = cn_number(token)
    return int(value) if value is not None else None


def _has_price(body: str) -> bool:
    """A product line ('大米 50元/袋'), not an entry that mentions money ('2瓶 =16元')."""
    if not ("元" in body or "块" in body or "¥" in body or "￥" in body):
        return False
    h = halfwidth(body)
    if _UNIT_PRICE.search(h):
        return True
    return bool(_PRICE.search(h)) and find_address(h) is None


def _is_example(body: str) -> bool:
    return body[:1] in _EXAMPLE_FIRST and _EXAMPLE.match(body) is not None


def entries_start(lines: list[Line], *, title_in_header: bool) -> int | None:
    """Index of the first entry line; numbered rules before a list restarting at 1 are rules."""
    numbered = _where(lines, _ENTRY_NUMBER)
    ones = _where(lines, _FIRST)
    for k, i in enumerate(ones):
        end = ones[k + 1] if k + 1 < len(ones) else len(lines)
        if end == len(lines) or any(
            not lines[j].body or starts_household(lines[j].body)
            for j in range(i, min(end, i + 50))
            if lines[j].num is not None
        ):
            return i
    if numbered:
        return _rows_above(lines, numbered[0])
    title_seen = title_in_header
    for i, ln in enumerate(lines):
        if not ln.text or ln.example:
            continue
        if title_seen and ln.household:
            return i
        title_seen = True
    return None


def _rows_above(lines: list[Line], start: int) -> int:
    """Unnumbered household lines right above the first numbered entry (rows pasted from a
    sheet, then residents numbering after them) are entries too."""
    while start > 0 and lines[start - 1].household:
        start -= 1
    return start


def starts_household(text: str) -> bool:
    """Does the line start with a home's address (a room, or a house number and a count)?"""
    h = halfwidth(table_cells(text.strip()))
    while h and is_decorative(h[0]):
        h = h[1:].lstrip()
    addr = find_address(h, at_start=True)
    if addr is None or _only_phone(h):
        return False
    return addr.is_household or QTY.search(h, addr.end) is not None


def _only_phone(h: str) -> bool:
    """'139 8888 0000' on a line of its own: the phone of the entry above, not a room 139."""
    phone = find_phone(h)
    return phone is not None and phone.start == 0 and not h[phone.end :].strip()


_ENTRY_NUMBER = attrgetter("entry_number")
_FIRST = attrgetter("first")
_NOT_START = attrgetter("not_start")
_SINGLE = attrgetter("single")
_KEY = attrgetter("key")


def _where(lines: Sequence[Line], flag: Callable[[Line], bool]) -> list[int]:
    """Indices of the lines with `flag` set."""
    return list(compress(count(), map(flag, lines)))


def group_entries(lines: Sequence[Line]) -> tuple[list[PostLine], list[str]]:
    """The entries (keyless ones dropped) and the tail of the lines from the list's start.

    A STARTS line starts an entry; a PLAIN line continues the current entry, or joins the tail
    when there is none; any other line ends the current entry. Only the lines that are not
    STARTS are visited one by one: runs of one-line entries, the usual case, are copied whole.
    """
    out: list[PostLine] = []
    tail: list[str] = []
    group: list[Line] = []  # the current entry's lines; empty: no current entry
    pos = 0
    for i in _where(lines, _NOT_START):
        if i > pos:  # a run of entries; the last one may go on below
            _close(out, group)
            out.extend(map(_SINGLE, lines[pos : i - 1]))
            group = [lines[i - 1]]
        line = lines[i]
        if line.kind != PLAIN:
            _close(out, group)
            group = []
        elif group:
            group.append(line)
        else:
            tail.append(line.text)
        pos = i + 1
    _close(out, group)
    out.extend(map(_SINGLE, lines[pos:]))
    return list(filter(_KEY, out)), tail


def _close(out: list[PostLine], group: list[Line]) -> None:
    """Append the current entry (one line or several joined) to `out`."""
    if len(group) == 1:
        out.append(group[0].single)
    elif group:
        key = "\n".join(ln.key for ln in group if ln.key)
        out.append(PostLine(key=key, text="\n".join(ln.body for ln in group)))


def clear_line_cache() -> None:
    """Forget the lines read so far (benchmarks start each run cold)."""
    read_line.cache_clear()
