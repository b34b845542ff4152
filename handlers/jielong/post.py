"""parse_jielong: a 接龙 message → title, rules, products and its entry lines. Never raises.

A 接龙 is a cumulative snapshot: header (#接龙, ＃接龙, 接龙, 【接龙】, a #接龙 ending the first
line, #Group Note), title, rules, an optional example (例 …), then numbered entries. A line
without a number continues the entry above it up to a blank line, unless it starts with a
household address; text after a blank line that ends the list is the organiser's tail.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from handlers.jielong.catalogue import parse_products, title_product
from handlers.jielong.entry import parse_entry
from handlers.jielong.header import find_tag, is_order_list
from handlers.jielong.normalize import (
    clean,
    compact,
    halfwidth,
    nfkc,
)
from handlers.jielong.post_lines import (
    Line,
    PostLine,
    clear_line_cache,
    entries_start,
    group_entries,
    read_line,
    starts_household,
)
from handlers.jielong.quantity import NUM_RE, UNIT_RE
from handlers.jielong.repo import Product

log = logging.getLogger(__name__)

_QUANTITY = re.compile(rf"{NUM_RE}\s*{UNIT_RE}")
_EXAMPLE_TAG = re.compile(
    r"^\s*(?:例|示例|举例|范例|例如|如|样例|格式|参考格式|模板|填写格式)\s*[:：]?"
)
_DASHES = re.compile(r"^(?:\s*[-—–_=·]\s*){5,}$")
# The sender and time that WeChat for PC and 企业微信 put above a copied message.
_SENDER_STAMP = re.compile(
    r"^\S.{0,23}?\s+(?:\d{4}[/\-年]\d{1,2}[/\-月]\d{1,2}日?\s*|昨天\s*|星期.\s*)?"
    r"\d{1,2}:\d{2}(?::\d{2})?$"
)
_LINE_BREAK = re.compile("\r\n|\r|\n")  # where clean() breaks lines: CRLF, CR, LF


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
    if _SENDER_STAMP.match(header):  # a copy from WeChat on a PC: '王丽 18:50' above the post
        after = next(((i, c) for i, c in _cleaned(raw_lines[first + 1 :]) if c), None)
        if after is not None and (tag := find_tag(after[1])) is not None and tag.strong:
            first, header = first + 1 + after[0], after[1]
    if header.startswith(("「", "『")) and _is_quote_reply(
        [header, *(c for _, c in _cleaned(raw_lines[first + 1 :]))]
    ):
        return None
    lines = list(map(read_line, raw_lines[first + 1 :]))
    tag = find_tag(header, next((ln.text for ln in lines if ln.text), ""))
    if tag is None:
        return None
    start = entries_start(lines, title_in_header=bool(tag.rest))
    if not tag.strong and (start is None or not _has_household(lines[start:])):
        return None  # a loose header ('水果接龙汇总') only with a list of homes below it
    head = lines if start is None else lines[:start]
    title, rules, examples = _head(tag.rest, head)
    if not title and start is None:
        return None
    entries, tail = ([], []) if start is None else group_entries(lines[start:])
    return _build(title, rules, examples, entries, tail)


def _cleaned(raw_lines: list[str]) -> Iterator[tuple[int, str]]:
    """(index, cleaned and stripped line), lazily: the header is usually the first line."""
    return ((i, clean(ln).strip()) for i, ln in enumerate(raw_lines))


def _is_quote_reply(lines: list[str]) -> bool:
    """「name：…」 followed by a dashed line: WeChat's quote, not a repost."""
    return lines[0].startswith(("「", "『")) and any(_DASHES.match(ln) for ln in lines[1:])


def _has_household(lines: list[Line]) -> bool:
    """Some line of the list names a home (a numbered entry or an unnumbered address line)."""
    return any(ln.household or (ln.num is not None and starts_household(ln.body)) for ln in lines)


def _head(rest: str, head: list[Line]) -> tuple[str, list[str], list[str]]:
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


def _build(
    title: str, rules: list[str], examples: list[str], entries: list[PostLine], tail: list[str]
) -> JielongPost:
    order, products = _header_facts(title, tuple(rules), tuple(examples))
    return JielongPost(
        title=title,
        key=title_key(title),
        is_order_list=order,
        products=products,
        lines=tuple(entries),
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
    named = title_product(title, None)
    products = parse_products(header, named.name if named else "")
    order = is_order_list(title, list(rules), list(examples))
    if order and not products:
        fallback = title_product(title, _example_unit(examples) or _header_unit(header))
        products = (fallback,) if fallback else ()
    return order, products


def _example_unit(examples: tuple[str, ...]) -> str | None:
    """The measure word the example line orders in ('例 1-1-101 张 1份' → 份)."""
    for example in examples:
        entry = parse_entry(_EXAMPLE_TAG.sub("", example), ())
        unit = next((item.unit for item in entry.items if item.unit), None)
        if unit is not None:
            return unit
    return None


def _header_unit(header: list[str]) -> str | None:
    qty = _QUANTITY.search(halfwidth(nfkc(" ".join(header))))
    return re.sub(rf"^{NUM_RE}\s*", "", qty.group()) if qty else None


def title_key(title: str) -> str:
    """The chain's identity in its chat: the title without spaces, case or width differences."""
    return compact(nfkc(title)).strip("，,。.、:：;；!！~～-—")


def clear_parse_caches() -> None:
    """Forget the per-line and per-header caches (benchmarks start each run cold)."""
    clear_line_cache()
    _header_facts.cache_clear()
