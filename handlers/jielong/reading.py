"""What Linli read in a chain's header, said back to the organiser, and the correction.

A misread header would poison every order of the chain, so the first time Linli sees a chain
it says what it read (`已识别接龙「保供蔬菜包」58元/份，每户限3份`); a worker or the organiser
corrects it with `更正商品 蔬菜包 58元/份` (or on the campaign page) and every entry of the
chain is read again with the corrected catalogue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from handlers import texts
from handlers.jielong.catalogue import parse_products
from handlers.jielong.doubts import entry_doubts
from handlers.jielong.entry import parse_entry
from handlers.jielong.normalize import halfwidth, nfkc
from handlers.jielong.quantity import UNIT_RE
from handlers.jielong.repo import (
    DOUBT_FLAGS,
    FLAG_SENTENCE,
    ChainRef,
    ChainRepo,
    ParsedEntry,
    Product,
    StoredEntry,
)
from handlers.jielong.sentence import parse_sentence_order

_CORRECT = re.compile(
    r"^\s*(?:更正商品|商品更正|改商品|商品改为|更正单位|单位改为)\s*[:：]?\s*(?P<rest>.*)$"
)
_PIECES = re.compile(r"[；;，,、\n]")
_PRICE = re.compile(r"[¥￥]?\s*\d+(?:\.\d+)?\s*(?:元|块|圆)?\s*(?:/|每)")
_UNIT_ONLY = re.compile(rf"^(?:单位)?\s*[:：]?\s*(?:按|每)?\s*(?P<unit>{UNIT_RE})$")


def catalogue_text(products: Sequence[Product]) -> str:
    """'「蔬菜包」58元/份、「鸡蛋」35元/盒' as a worker would check it."""
    parts = []
    for p in products:
        price = texts.READING_PRICE.format(price=_number(p.price)) if p.price is not None else ""
        unit = f"/{p.unit}" if p.unit else ""
        spec = f"（{p.spec}）" if p.spec else ""
        parts.append(f"「{p.name}」{price}{unit}{spec}")
    return "、".join(parts)


def reading_text(title: str, products: Sequence[Product], limit: str | None) -> str:
    """The reply the organiser gets the first time a chain is seen."""
    if not products:
        return texts.READING_NO_PRODUCT.format(title=title)
    limit_text = texts.READING_LIMIT.format(limit=limit) if limit else ""
    return texts.READING.format(catalogue=catalogue_text(products), limit=limit_text)


def _number(value: float | None) -> str:
    return "" if value is None else (str(int(value)) if float(value).is_integer() else str(value))


def _as_written(piece: str) -> Product | None:
    """'保供菜包 60元/份' → that product, its name exactly as the worker wrote it."""
    read = parse_products([piece])
    price = _PRICE.search(piece)
    if len(read) != 1 or price is None:
        return None
    name = piece[: price.start()].strip(" ：:")
    return replace(read[0], name=name) if name else None


def match_correction(text: str) -> str | None:
    """The catalogue written after 更正商品, or None when the message is not a correction."""
    m = _CORRECT.match(halfwidth(nfkc(text)))
    return m["rest"].strip() if m is not None and m["rest"].strip() else None


def corrected_products(current: Sequence[Product], written: str) -> tuple[Product, ...] | None:
    """The new catalogue: `蔬菜包 58元/份；鸡蛋 35元/盒` replaces it, a bare name renames the
    single product, a bare unit (`单位 份`) changes its unit; None when it cannot be read."""
    found = [_as_written(piece) for piece in _PIECES.split(written)]
    if found and all(found):
        return tuple(p for p in found if p is not None)
    unit = _UNIT_ONLY.match(written)
    if len(current) == 1 and unit is not None:
        return (replace(current[0], unit=unit["unit"]),)
    name = written.strip(" ，,。")
    if len(current) == 1 and name and len(name) <= 20:
        return (replace(current[0], name=name, spec=None),)
    if not current and name and len(name) <= 20:
        return (Product(name=name),)
    return None


def reread_chain(
    repo: ChainRepo, chain: ChainRef, products: Sequence[Product], at: datetime
) -> list[int]:
    """Store the corrected catalogue and read every entry again; the seqs that changed."""
    repo.set_products(chain.id, products)
    changed: list[int] = []
    for entry in repo.list_entries(chain.id):
        parsed = _reread(entry, products)
        if parsed == entry.parsed:
            continue
        flags = [f for f in entry.flags if f not in DOUBT_FLAGS]
        if chain.is_order_list:
            flags.extend(entry_doubts(parsed, products))
        repo.replace_entry(entry.id, entry.line_key, parsed, at, flags=tuple(flags))
        changed.append(entry.seq)
    return changed


def _reread(entry: StoredEntry, products: Sequence[Product]) -> ParsedEntry:
    if FLAG_SENTENCE in entry.flags:  # keep the household it was given; read the goods again
        again = parse_sentence_order(entry.parsed.raw, products)
        return entry.parsed if again is None else replace(entry.parsed, items=again.items)
    return parse_entry(entry.parsed.raw, products)
