"""parse_jielong: a 接龙 message → title, rules, products and its entry lines. Never raises.

A 接龙 is a cumulative snapshot: header (#接龙, ＃接龙, 接龙, 【接龙】, a #接龙 ending the first
line, #Group Note), title, rules, an optional example (例 …), then numbered entries. A line
without a number continues the entry above it up to a blank line, unless it starts with a
household address; text after a blank line that ends the list is the organiser's tail.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from handlers.jielong.address import find_address
from handlers.jielong.normalize import (
    clean,
    cn_number,
    compact,
    halfwidth,
    is_decorative,
    line_key,
    nfkc,
)
from handlers.jielong.phone import find_phone
from handlers.jielong.products import parse_products, title_product
from handlers.jielong.quantity import NUM_RE, QTY, UNIT_RE
from handlers.jielong.store import Product

log = logging.getLogger(__name__)

_HEADERS = (
    re.compile(r"^#\s*接龙\s*#?\s*[:：]?\s*(?P<rest>.*)$"),
    re.compile(r"^[【\[]\s*接龙\s*[】\]]\s*[:：]?\s*(?P<rest>.*)$"),
    re.compile(r"^#\s*group\s*note\s*[:：]?\s*(?P<rest>.*)$", re.I),
    re.compile(r"^接龙(?:\s*[:：]\s*|\s+)(?P<rest>.*)$"),
    re.compile(r"^接龙$(?P<rest>)"),
    re.compile(r"^(?P<rest>.+?)\s*#\s*接龙\s*#?$"),
)
_CIRCLED = "\u2460-\u249b\u24ea-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf"
_NUMBERING = re.compile(
    r"^\s*(?:[(（]\s*(?P<p>[0-9０-９]{1,4}|[一二三四五六七八九十百]{1,4})\s*[)）]"
    rf"|(?P<c>[{_CIRCLED}])[.．、]?"
    r"|(?P<d>[0-9０-９]{1,5})\s*[.．、，,)）]"
    r"|(?P<z>[一二三四五六七八九十百]{1,4})\s*[、.．])\s*"
)
_EXAMPLE = re.compile(r"^\s*(?:例|示例|举例|范例|例如|样例|格式|参考格式|模板|填写格式)\s*[:：]?")
_EXAMPLE_FIRST = frozenset("例示举范样格参模填")
_PRICE = re.compile(r"(?:\d\s*(?:元|块(?!钱))|[¥￥]\s*\d)")
_UNIT_PRICE = re.compile(rf"\d\s*(?:元|块)\s*(?:/|每|一)\s*{UNIT_RE}|[¥￥]\s*\d+(?:\.\d+)?\s*/")
_QUANTITY = re.compile(rf"{NUM_RE}\s*{UNIT_RE}")
_SIGNUP = re.compile(r"报名|志愿|打卡|签到|统计|人数|核酸|疫苗|接种|投票|体温|出席|健康|值班|排班")
_DASHES = re.compile(r"^(?:\s*[-—–_=·]\s*){5,}$")
_LINE_BREAK = re.compile("\r\n|\r|\n")  # where clean() breaks lines: CRLF, CR, LF

# What a line does in the entry list (computed once per distinct line, see _Line.kind).
_BREAK = 0  # blank, dashes or an example: ends the current entry
_STARTS = 1  # a numbered entry or a household address: starts an entry
_ENDS = 2  # numbered but no entry (a price line, a bare number): ends the current entry
_PLAIN = 3  # continues the current entry, else part of the tail


@dataclass(frozen=True, slots=True)
class PostLine:
    """One entry of a snapshot: its text (numbering removed, lines joined) and its key."""

    key: str
    text: str


@dataclass(frozen=True, slots=True)
class JielongPost:
    """A parsed 接龙 snapshot."""

    title: str
    key: str
    is_order_list: bool
    products: tuple[Product, ...]
    lines: tuple[PostLine, ...]
    rules: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    tail: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Line:
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
    kind: int  # _BREAK, _STARTS, _ENDS or _PLAIN


def parse_jielong(text: str) -> JielongPost | None:
    """The snapshot if `text` is a 接龙 post, else None. Never raises on user input."""
    try:
        return _parse(text)
    except Exception:  # a parser bug must never break the message pipeline
        log.exception("jielong post parse failed")
        return None


def _parse(text: str) -> JielongPost | None:
    # Lines are cleaned one by one (the same as cleaning the whole text, as clean() never
    # joins lines), so a repost's repeated lines cost one cache hit each.
    raw_lines = _LINE_BREAK.split(text) if "\r" in text else text.split("\n")
    first, header = next(((i, c) for i, c in _cleaned(raw_lines) if c), (None, ""))
    if first is None:
        return None
    if header.startswith(("「", "『")) and _is_quote_reply(
        [header, *(c for _, c in _cleaned(raw_lines[first + 1 :]))]
    ):
        return None
    rest = _header_rest(header)
    if rest is None:
        return None
    lines = [_line_info(ln) for ln in raw_lines[first + 1 :]]
    start = _entries_start(lines, title_in_header=bool(rest))
    head = lines if start is None else lines[:start]
    title, rules, examples = _head(rest, head)
    if not title and start is None:
        return None
    entries, tail = ([], []) if start is None else _entries(lines[start:])
    return _build(title, rules, examples, entries, tail)


def _cleaned(raw_lines: list[str]) -> Iterator[tuple[int, str]]:
    """(index, cleaned and stripped line), lazily: the header is usually the first line."""
    return ((i, clean(ln).strip()) for i, ln in enumerate(raw_lines))


def _is_quote_reply(lines: list[str]) -> bool:
    """「name：…」 followed by a dashed line: WeChat's quote, not a repost."""
    return lines[0].startswith(("「", "『")) and any(_DASHES.match(ln) for ln in lines[1:])


def _header_rest(line: str) -> str | None:
    """The text after the 接龙 tag on the first line ('' when none); None if no tag."""
    norm = nfkc(line).strip()
    for pattern in _HEADERS:
        m = pattern.match(norm)
        if m is not None:
            return m["rest"].strip()
    return None


@lru_cache(maxsize=1 << 16)
def _line_info(raw: str) -> _Line:
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
    household = bool(line) and num is None and _starts_household(line)
    if not line or dashes or example:
        kind = _BREAK
    elif num is not None:
        kind = _STARTS if body and not price else _ENDS
    else:
        kind = _STARTS if household else _PLAIN
    return _Line(
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
    )


def _number_value(m: re.Match[str]) -> int | None:
    token = m["p"] or m["d"] or m["z"]
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


def _entries_start(lines: list[_Line], *, title_in_header: bool) -> int | None:
    """Index of the first entry line; numbered rules before a list restarting at 1 are rules."""
    numbered = [i for i, ln in enumerate(lines) if ln.entry_number]
    ones = [i for i in numbered if lines[i].num == 1]
    for k, i in enumerate(ones):
        end = ones[k + 1] if k + 1 < len(ones) else len(lines)
        if end == len(lines) or any(
            not lines[j].body or _starts_household(lines[j].body)
            for j in range(i, min(end, i + 50))
            if lines[j].num is not None
        ):
            return i
    if numbered:
        return numbered[0]
    title_seen = title_in_header
    for i, ln in enumerate(lines):
        if not ln.text or ln.example:
            continue
        if title_seen and ln.household:
            return i
        title_seen = True
    return None


def _starts_household(text: str) -> bool:
    """Does the line start with a home's address (a room, or a house number and a count)?"""
    h = halfwidth(text).lstrip()
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


def _head(rest: str, head: list[_Line]) -> tuple[str, list[str], list[str]]:
    title = rest
    rules: list[str] = []
    examples: list[str] = []
    for ln in head:
        if not ln.text:
            continue
        if ln.example:
            examples.append(ln.body)
        elif not title:
            title = ln.text
        else:
            rules.append(ln.text)
    return title, rules, examples


def _entries(lines: list[_Line]) -> tuple[list[list[_Line]], list[str]]:
    entries: list[list[_Line]] = []
    tail: list[str] = []
    current: list[_Line] | None = None
    for ln in lines:
        kind = ln.kind
        if kind == _STARTS:
            current = [ln]
            entries.append(current)
        elif kind != _PLAIN:
            current = None
        elif current is not None:
            current.append(ln)
        else:
            tail.append(ln.text)
    return entries, tail


def _post_line(entry: list[_Line]) -> PostLine:
    if len(entry) == 1:
        return entry[0].single
    key = "\n".join(ln.key for ln in entry if ln.key)
    return PostLine(key=key, text="\n".join(ln.body for ln in entry))


def _build(
    title: str, rules: list[str], examples: list[str], entries: list[list[_Line]], tail: list[str]
) -> JielongPost:
    order, products = _header_facts(title, tuple(rules), tuple(examples))
    lines = [e[0].single if len(e) == 1 else _post_line(e) for e in entries]
    return JielongPost(
        title=title,
        key=title_key(title),
        is_order_list=order,
        products=products,
        lines=tuple([ln for ln in lines if ln.key]),
        rules=tuple(rules),
        examples=tuple(examples),
        tail=tuple(tail),
    )


@lru_cache(maxsize=256)
def _header_facts(
    title: str, rules: tuple[str, ...], examples: tuple[str, ...]
) -> tuple[bool, tuple[Product, ...]]:
    """Order list or not, and the products; cached because every repost repeats the header."""
    header = [title, *rules]
    products = parse_products(header)
    order = _is_order_list(header, list(examples))
    if order and not products:
        qty = _QUANTITY.search(halfwidth(nfkc(" ".join(header + list(examples)))))
        unit = re.sub(rf"^{NUM_RE}\s*", "", qty.group()) if qty else None
        fallback = title_product(title, unit)
        products = (fallback,) if fallback else ()
    return order, products


def _is_order_list(header: list[str], examples: list[str]) -> bool:
    """A price anywhere in title/rules/example, or a quantity unless it is a sign-up."""
    texts = [halfwidth(nfkc(t)) for t in header + examples]
    if any(_PRICE.search(t) for t in texts):
        return True
    if any(_SIGNUP.search(t) for t in texts):
        return False
    return any(_QUANTITY.search(t) for t in texts)


def title_key(title: str) -> str:
    """The chain's identity in its chat: the title without spaces, case or width differences."""
    return compact(nfkc(title)).strip("，,。.、:：;；!！~～-—")


def clear_parse_caches() -> None:
    """Forget the per-line and per-header caches (benchmarks start each run cold)."""
    _line_info.cache_clear()
    _header_facts.cache_clear()
