"""Orders and cancellations typed as sentences while a chain is open in the chat.

"帮我也报一份，8栋603" joins the chain as the next entry (address and quantities only);
"我那份草莓取消" from the author of an entry withdraws it. Questions, needs and offers stay
with the needs route.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from handlers.jielong.address import Address, find_address, household
from handlers.jielong.normalize import clean, halfwidth
from handlers.jielong.phone import find_phone
from handlers.jielong.products import default_product, match_product, units_of
from handlers.jielong.quantity import NUM_RE, QTY, UNIT_RE, read_qty
from handlers.jielong.repo import ChainRef, Item, ParsedEntry, Product, StoredEntry

MAX_SENTENCE_CHARS = 120
_DASHES = re.compile(r"^(?:\s*[-—–_=·]\s*){5,}$", re.M)
_STRONG_VERB = re.compile(
    r"(?<![举汇通情播申上])报(?!名|告|修|警|销|到|道|纸|表|备|案)|登记|(?<!预)订(?!单|阅|正)|预订|"
    r"预定|算我|记上|记一|记我|加我|加上|接龙"
)
_WEAK_VERB = re.compile(r"[我也]要|要\s*" + NUM_RE + r"\s*" + UNIT_RE)
_ANY_QTY = re.compile(NUM_RE + r"\s*(" + UNIT_RE + r")")
_PLUS_ONLY = re.compile(r"^\s*\+\s*(\d{1,2})\s*$")
_QUESTION = re.compile(r"[?？]|吗|多少|几[份袋个斤盒瓶箱]|什么|怎么|哪|是否|有没有")
_NEED_WORDS = re.compile(
    r"发烧|发热|医院|药|急|救|困|病|疼|痛|咳|孕|婴|奶粉|漏水|着火|冒烟|电梯|投诉|建议|求助|"
    r"多余|闲置|分给|送给|谁要|谁需要|转让|志愿"
)
# a neighbour asked to help ('有没有邻居帮忙去水车接两桶'): a need, whatever it names
_ASKS_NEIGHBOUR = re.compile(
    r"有没有(?:邻居|人|谁|哪位)|(?:谁|有人|哪位(?:邻居)?)(?:能|可以|有空|帮)"
)
# what was done for someone ('8幢702的两桶水保安已经送上去了'): a report, not an order
_DONE = re.compile(r"已经?\S{0,4}(?:送|提|拿|搬|带|放)(?:上去|上来|过去|到|好)|(?:送|提|拿)到了")
# what '我要…' asks for, when it is no quantity ('我要退烧贴'): another chain's goods or none
_WANTED = re.compile(r"[我也]要\s*([^\W\d_]{2,6})")
_CANCEL = re.compile(r"取消|不要了|退掉|退订|撤销|撤回|不订了|不买了|删掉|删除|划掉")
_NOT_CANCEL = re.compile(r"[不别没]取消|不用取消|不能取消|(?:怎么|怎样|如何)取消|能取消|可以取消")
_SELF = re.compile(r"我|俺|本人|自己|那份|这份|咱")
# '帮我家也报一包，1306': a room number standing alone as a clause (one-building groups)
_ROOM_CLAUSE = re.compile(
    r"(?:^|(?<=[,，。;；!！\s]))(\d{3,4})\s*(?:室|房)?\s*(?=[,，。;；!！~～]|$)"
)
_WORD_AFTER = re.compile(r"\s*([^\W\d_]{2,8})")  # the goods said after a count ('两包米粉')


def reply_part(text: str) -> str:
    """The sender's own words: a quoted message above a dashed line is not theirs."""
    text = clean(text).strip()
    if text.startswith(("「", "『")):
        parts = _DASHES.split(text, maxsplit=1)
        if len(parts) == 2:
            return parts[1].strip()
    return text


def parse_sentence_order(
    text: str, products: Sequence[Product], *, named_only: bool = False
) -> ParsedEntry | None:
    """An order typed as a sentence: address and quantities only; None if it is not one.
    With `named_only`, only when it names one of `products` (several chains are open)."""
    raw = text.strip()
    if not raw or len(raw) > MAX_SENTENCE_CHARS or raw.count("\n") > 2:
        return None
    h = halfwidth(raw)
    phone = find_phone(h)
    if phone is not None:
        h = h[: phone.start] + " " * (phone.end - phone.start) + h[phone.end :]
    addr = find_address(h) or _room_clause(h)
    if addr is not None:
        h = h[: addr.start] + " " * (addr.end - addr.start) + h[addr.end :]
    items = _items(h, products, named_only)
    if named_only and not items:
        return None
    if not items and (_other_goods(h, products) or _wants_other(h, products)):
        return None  # 两盒降压药, 我要退烧贴: not anything this chain sells
    if not _is_order(h, addr is not None and addr.is_household, bool(items)):
        return None
    if not items:
        product = default_product(products, None)
        if product is None:
            return None
        items = [Item(product.name, 1.0, product.unit)]
    return ParsedEntry(
        raw=raw,
        building=addr.building if addr else None,
        unit=addr.unit if addr else None,
        room=addr.room if addr else None,
        items=tuple(items),
    )


def sentence_chain(text: str, chains: Sequence[ChainRef]) -> tuple[ChainRef, ParsedEntry | None]:
    """The open chain a sentence order joins: with several open ('帮我报一份菜' while a 菜
    chain and a 药 chain run), the newest whose goods it names; else the newest chain."""
    if len(chains) > 1:
        for chain in chains:
            parsed = parse_sentence_order(text, chain.products, named_only=True)
            if parsed is not None:
                return chain, parsed
    return chains[0], parse_sentence_order(text, chains[0].products)


def names_entries(text: str, mine: Sequence[StoredEntry], products: Sequence[Product]) -> bool:
    """'我那份菜取消': the text names the goods of one of these entries."""
    h = halfwidth(text)
    return any(_mentions(h, i.name, products) for e in mine for i in e.parsed.items)


def names_goods(text: str, products: Sequence[Product]) -> bool:
    """'菜包不要了': the text names one of a chain's products."""
    h = halfwidth(text)
    return any(_mentions(h, p.name, products) for p in products)


def _room_clause(h: str) -> Address | None:
    m = _ROOM_CLAUSE.search(h)
    if m is None:
        return None
    return Address(building=None, unit=None, room=m[1], start=m.start(1), end=m.end())


def plus_only(text: str) -> int | None:
    """'+1' alone: a count, when the sender's household is known."""
    m = _PLUS_ONLY.match(halfwidth(text))
    return int(m[1]) if m and 0 < int(m[1]) < 100 else None


def _other_goods(h: str, products: Sequence[Product]) -> bool:
    units = units_of(products) | {"份"}
    return any(m[1] not in units for m in _ANY_QTY.finditer(h))


def _wants_other(h: str, products: Sequence[Product]) -> bool:
    """'我要退烧贴' in a chain of electrolyte drinks: the thing wanted is named, and it is none
    of the chain's goods (a quantity or a verb after 要 names nothing)."""
    m = _WANTED.search(h)
    if m is None or _STRONG_VERB.match(m[1]) or re.match(NUM_RE, m[1]):
        return False
    word = m[1]
    return all(match_product(word[:n], products) is None for n in range(len(word), 1, -1))


def _is_order(h: str, has_home: bool, has_qty: bool) -> bool:
    strong = _STRONG_VERB.search(h) is not None
    if _DONE.search(h) or (_ASKS_NEIGHBOUR.search(h) and not strong):
        return False  # a report of what was done, a neighbour asked to help
    verb = strong or _WEAK_VERB.search(h) is not None
    question = _QUESTION.search(h) is not None
    if _NEED_WORDS.search(h) and not strong:
        return False
    if has_home and has_qty:
        return True
    if verb and not question:
        return has_home or has_qty
    return False


def _items(h: str, products: Sequence[Product], named_only: bool = False) -> list[Item]:
    """Quantities in the chain's measure words (份 always), each with the product it names
    (else the chain's default product, unless `named_only`)."""
    units = units_of(products) | {"份"}
    items: list[Item] = []
    spent = 0  # where the goods named after the last count end: no later count takes them
    for m in QTY.finditer(h):
        qty = None if m["bare"] or m["plus"] else read_qty(m)
        if qty is None:
            continue
        if qty.unit is not None and qty.unit not in units:
            named = _named_after(h, m, products)  # '两包米粉' where 米粉 is sold by the 袋
            if named is not None:
                items.append(Item(named[0].name, qty.value, qty.unit))
                spent = named[1]
            continue
        product = _product_near(h, m, products, qty.unit, named_only, spent)
        if product is not None:
            items.append(Item(product.name, qty.value, qty.unit or product.unit))
            named = _named_after(h, m, products)
            spent = named[1] if named is not None and named[0] == product else spent
    return items


def _named_after(
    h: str, m: re.Match[str], products: Sequence[Product]
) -> tuple[Product, int] | None:
    """The product named right after a count (two characters or more) and where it ends."""
    after = _WORD_AFTER.match(h, m.end())
    if after is None:
        return None
    for size in range(len(after[1]), 1, -1):
        found = match_product(after[1][:size], products)
        if found is not None:
            return found, after.start(1) + size
    return None


def _product_near(
    h: str,
    m: re.Match[str],
    products: Sequence[Product],
    unit: str | None,
    named_only: bool,
    spent: int = 0,
) -> Product | None:
    """The product named right after or before the quantity (not goods named after an earlier
    count, from `spent` on), else the default one."""
    after = re.match(r"\s*([^\W\d_]{1,8})", h[m.end() :])
    before = re.search(r"([^\W\d_]{1,8})\s*$", h[spent : m.start()]) if m.start() > spent else None
    for word in (after[1] if after else "", before[1] if before else ""):
        for size in range(len(word), 1, -1):
            for piece in (word[:size], word[-size:]):
                found = match_product(piece, products)
                if found is not None:
                    return found
    # one character right beside the quantity ('两桶水', '油1桶') names a product too
    for piece in (h[m.end() : m.end() + 1], h[m.start() - 1 : m.start()] if m.start() else ""):
        found = match_product(piece, products) if piece.isalpha() else None
        if found is not None:
            return found
    return None if named_only else default_product(products, unit)


def is_cancel(text: str) -> bool:
    """A withdrawal in words ('我那份草莓取消'), not a question about cancelling."""
    h = halfwidth(text)
    if len(h) > 60 or not _CANCEL.search(h) or _NOT_CANCEL.search(h):
        return False
    return not re.search(r"[?？]|吗", h)


def cancel_targets(
    text: str, mine: Sequence[StoredEntry], products: Sequence[Product]
) -> list[StoredEntry]:
    """The sender's entries the 取消 means: by address, else by item, else the only one."""
    h = halfwidth(text)
    addr = find_address(h)
    if addr is not None:
        home = household(addr.building, addr.unit, addr.room)
        return [e for e in mine if _home(e.parsed) == home]
    named = [e for e in mine if any(_mentions(h, i.name, products) for i in e.parsed.items)]
    if named and len(named) < len(mine):
        return named
    if len(mine) == 1 and (_SELF.search(h) or named):
        return list(mine)
    return []


def _home(parsed: ParsedEntry) -> str | None:
    return household(parsed.building, parsed.unit, parsed.room)


def mentions_self(text: str) -> bool:
    """'我那份', '我家': the sender speaks of their own order."""
    return _SELF.search(text) is not None


def _mentions(h: str, item: str, products: Sequence[Product]) -> bool:
    product = match_product(item, products)
    names = {item, product.name if product else item}
    return any(n and (n in h or any(n[i : i + 2] in h for i in range(len(n) - 1))) for n in names)
