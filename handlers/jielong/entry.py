"""parse_entry: one 接龙 entry → building / unit / room, name, items, phone, note. Never raises.

The line is read in a half-width view (`h`) for the patterns and cut from the resident's own
text (`o`) for the name and the note, so full-width punctuation and emoji survive there.
Order: labels, phone, address, then each remaining segment is an item group, a name, an
estate, decoration, or part of the note (what is left).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from handlers.jielong.address import find_address, lane_before
from handlers.jielong.entry_work import Work, explicit, items_of, named, note_of
from handlers.jielong.homophones import unit_homophones
from handlers.jielong.items import Run, coded_pair, describes_goods, pack_only, read_run
from handlers.jielong.names import is_estate, is_sticker, looks_like_person, plausible_name
from handlers.jielong.normalize import (
    clean,
    halfwidth,
    is_decorative,
    is_punctuation_only,
    table_cells,
    unspace,
)
from handlers.jielong.phone import find_phone
from handlers.jielong.products import match_product, one_character_goods
from handlers.jielong.quantity import Pair, Qty, valid_item_name
from handlers.jielong.repo import ParsedEntry, Product
from handlers.jielong.segments import CLOSE, OPEN, segments, trim_decoration

log = logging.getLogger(__name__)

_CJK_WORD = re.compile(r"[\u4e00-\u9fff]{2,8}")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'.\-]*")
_MORE_LATIN = re.compile(r"(?: [A-Z][A-Za-z'.\-]*){1,2}(?=\s|$|[^\x00-\x7f])")

MAX_ENTRY_CHARS = 8000  # past this a line is kept verbatim, unread, flagged for a worker
_NOTE_LABEL = re.compile(r"(?:备注|留言|注意|说明|要求)\s*[:：]")
_FIELD_LABEL = re.compile(r"(?:姓名|名字|地址|住址|房号|楼号|数量|份数|订购|购买)\s*[:：]")
_REMARK_WORDS = re.compile(r"其中|其余|其他|另外|送|给|我|家|的|帮|请|放|留")


def parse_entry(line: str, products: Sequence[Product]) -> ParsedEntry:
    """Read one entry (numbering already removed); unreadable lines keep `raw` only."""
    raw = clean(line).strip()
    try:
        return _parse(raw, tuple(products))
    except Exception:  # a parser bug must never lose the resident's line
        log.exception("jielong entry parse failed: %.80r", raw)
        return ParsedEntry(raw=raw, readable=False)


def _parse(raw: str, products: tuple[Product, ...]) -> ParsedEntry:
    if not raw or len(raw) > MAX_ENTRY_CHARS:
        return ParsedEntry(raw=raw, readable=False)
    text = unit_homophones(unspace(table_cells(raw)), products)
    w = Work(o=text, h=halfwidth(text), used=bytearray(len(text)), note_from=len(text))
    _take_labels(w)
    phone = find_phone(w.view())
    if phone is not None:
        w.take(phone.start, phone.end)
    _take_address(w)
    _take_emptied_brackets(w)
    for start, end in segments(w.h, w.used):
        if not all(w.used[start:end]):  # a word read with the one before it ('Kelvin Wong')
            _classify(w, start, end, products)
    _flush_pending(w)
    items, resolved = items_of(w, products)
    note = note_of(w)
    if w.name is None and w.mention is not None and w.addr is not None:
        w.name = w.mention
    readable = resolved and (w.addr is not None or explicit(w.pairs) or named(w.name))
    return ParsedEntry(
        raw=raw,
        building=w.addr.building if w.addr else None,
        unit=w.addr.unit if w.addr else None,
        room=w.addr.room if w.addr else None,
        name=w.name,
        items=items,
        phone=phone.number if phone else None,
        note=note,
        readable=readable,
    )


def _take_labels(w: Work) -> None:
    m = _NOTE_LABEL.search(w.h)
    if m is not None:
        w.take(m.start(), m.end())
        w.note_from = m.end()
    for m in _FIELD_LABEL.finditer(w.h):
        w.take(m.start(), m.end())


def _take_address(w: Work) -> None:
    addr = find_address(w.view()[: w.note_from])
    if addr is None:
        return
    w.addr = addr
    w.take(addr.start, addr.end)
    lane = lane_before(w.h, addr.start)
    if lane is not None:
        w.take(lane, addr.start)
    if addr.count is not None:
        unit = addr.count_unit
        w.pairs.append(Pair(None, Qty(float(addr.count), unit, bare=unit is None)))


def _take_emptied_brackets(w: Work) -> None:
    """'张三（3-2-201）': brackets around what was already read are spent too."""
    for i, ch in enumerate(w.h):
        if ch in OPEN and not w.used[i]:
            close = w.h.find(CLOSE[ch], i + 1)
            inside = range(i + 1, close)
            spent = all(w.used[j] or w.h[j].isspace() for j in inside)
            if close > i + 1 and spent and any(w.used[j] for j in inside):
                w.take(i, close + 1)


def _classify(w: Work, start: int, end: int, products: tuple[Product, ...]) -> None:
    s, e = trim_decoration(w.h, start, end)
    named = w.name is not None
    if s < e:
        _classify_trimmed(w, s, e, products)
    if not named and w.name == w.o[s:e] and (s, e) != (start, end) and all(w.used[s:e]):
        w.name = w.o[start:end]  # 'Lily🌸', '小鱼🐟': an emoji in a nickname stays in it
        # (only when the name is the whole word: in '张阿姨两袋🙏' the 🙏 follows a quantity)
    if s >= e or all(w.used[s:e]):  # decoration beside what was read, never a note
        w.take(start, s)
        w.take(e, end)


def _classify_trimmed(w: Work, start: int, end: int, products: tuple[Product, ...]) -> None:
    text = w.h[start:end]
    if start >= w.note_from:
        return
    if text[0] in OPEN:
        _classify_bracket(w, start, end, products)
        return
    if is_punctuation_only(text):
        if _kaomoji_name(w, end, text):
            w.name = w.o[start:end]
            w.take(start, end)
        return
    coded = coded_pair(text, products)
    if coded is not None:  # 'A1 C2': a lettered menu's codes with their counts
        _add_pairs(w, [coded], products, start)
        w.take(start, end)
        return
    run = read_run(text, products)
    if run is not None and not _remark(w, run, text, products):
        _add_run(w, start, run, products)
        return
    _classify_word(w, start, end, text, products)


def _remark(w: Work, run: Run, text: str, products: tuple[Product, ...]) -> bool:
    """'其中一箱送我妈家' after the items: a remark about them, not another item."""
    first = run.spans[0]
    if not w.pairs or first is None or run.person is not None:
        return False
    name = text[first[0] : first[1]]
    return _REMARK_WORDS.search(name) is not None and match_product(name, products) is None


def _count_listed(w: Work, qty: Qty | None) -> None:
    """Give a shared 各 count to the items named just before it without a count."""
    _flush_pending(w)
    k = len(w.pairs)
    while k > 0 and w.pairs[k - 1].qty is None and w.pairs[k - 1].name is not None:
        k -= 1
    w.pairs[k:] = [Pair(p.name, qty) for p in w.pairs[k:]]


def _kaomoji_name(w: Work, end: int, text: str) -> bool:
    """'=_= 6-2-302 1袋': text before the address is the name, a kaomoji included."""
    before_addr = w.addr is not None and end <= w.addr.start
    return before_addr and w.name is None and len(set(text)) >= 2


def _add_run(w: Work, start: int, run: Run, products: tuple[Product, ...]) -> None:
    """Take the run's items (names cut from the resident's own text) and a name glued first."""
    if run.person is not None and w.name is None and not w.pairs and w.pending is None:
        p_start, p_end = start + run.person[0], start + run.person[1]
        w.name = w.o[p_start:p_end]
        w.take(p_start, p_end)
    pairs = [
        Pair(w.o[start + span[0] : start + span[1]] if span else None, pair.qty)
        for pair, span in zip(run.pairs, run.spans, strict=True)
    ]
    if run.each and pairs[0].name is not None:
        _count_listed(w, pairs[0].qty)  # '西红柿、黄瓜各两斤': 西红柿 counts two too
    _add_pairs(w, pairs, products, start)
    w.take(start, start + run.end)


def _classify_bracket(w: Work, start: int, end: int, products: tuple[Product, ...]) -> None:
    text = w.h[start:end]
    if is_sticker(text):
        w.take(start, end)
        return
    inner = text[1:-1].strip()
    run = read_run(inner, products) if inner else None
    if run is None or run.person is not None or run.end < len(inner):
        return
    if all(p.qty is not None and not p.qty.bare for p in run.pairs):
        _add_pairs(w, run.pairs, products, start)
        w.take(start, end)


def _classify_word(w: Work, start: int, end: int, text: str, products: tuple[Product, ...]) -> None:
    before_addr = w.addr is not None and end <= w.addr.start
    if text.startswith("@"):  # '@团长': a mention; the name when no other is written
        w.mention = w.mention or w.o[start:end].strip()
        w.take(start, end)
        return
    if before_addr and is_estate(text):
        w.take(start, end)
        return
    # '水 2 桶' after the name: 水 is the goods; before the name it may be a surname ('鲁 1 桶')
    goods = describes_goods(text) or (
        w.name is not None and w.addr is not None and one_character_goods(text, products)
    )
    if goods or (_is_item_word(text, products) and not (before_addr and w.name is None)):
        if w.pending is not None and pack_only(text):
            w.pending = f"{w.pending} {text}"  # '抗原快测 5支装': the pack size is the item's
        else:
            _flush_pending(w)
            w.pending = text
        w.take(start, end)
        return
    if w.name is None and _name_slot(w, start, text):
        end = _latin_name_end(w, end, text)
        w.name = w.o[start:end].strip()
        w.unsure_name = before_addr and _CJK_WORD.fullmatch(text) is not None
        w.unsure_name = w.unsure_name and not looks_like_person(text)
        w.take(start, end)
    elif w.unsure_name and not w.pairs and w.pending is None and looks_like_person(text):
        w.name = w.o[start:end].strip()  # the estate's name came first: dropped
        w.unsure_name = False
        w.take(start, end)


def _latin_name_end(w: Work, end: int, text: str) -> int:
    """'Kelvin Wong', 'Ana Lopes': a name in Latin letters goes on with its capitalised words."""
    if _LATIN_WORD.fullmatch(text) is None:
        return end
    more = _MORE_LATIN.match(w.h, end)
    if more is None or any(w.used[end : more.end()]):
        return end
    return more.end()


def _is_item_word(text: str, products: tuple[Product, ...]) -> bool:
    """A lone word naming a product of the chain ('蔬菜套餐'), not a person."""
    if len(products) == 0 or not valid_item_name(text) or len(text) < 2:
        return False
    product = match_product(text, products)
    if product is None or looks_like_person(text):
        return False
    return len(text) <= len(product.name) + 2  # '脐橙要甜一点的' names it in a remark


def _name_slot(w: Work, start: int, text: str) -> bool:
    """Names sit next to the address: before it, or after it before the items."""
    if w.addr is not None and start < w.addr.start:
        return not is_decorative(text)
    if not w.pairs and w.pending is None:
        return plausible_name(text)
    return looks_like_person(text)


def _add_pairs(w: Work, pairs: list[Pair], products: tuple[Product, ...], start: int) -> None:
    first = pairs[0]
    if w.pending is not None and first.name is not None and pack_only(first.name):
        pairs = [Pair(f"{w.pending} {first.name}", first.qty), *pairs[1:]]  # 抗原 5支装 ×2
        w.pending = None
    elif w.pending is not None and first.name is None:
        pairs = [Pair(w.pending, first.qty), *pairs[1:]]
        w.pending = None
    elif (
        first.name is not None
        and w.name is None
        and not w.pairs
        and match_product(first.name, products) is None
        and looks_like_person(first.name)
    ):
        w.name = first.name  # 王阿姨2份: the name glued to its count
        pairs = [Pair(None, first.qty), *pairs[1:]]
    _flush_pending(w)
    w.pairs.extend(pairs)


def _flush_pending(w: Work) -> None:
    if w.pending is not None:
        w.pairs.append(Pair(w.pending, None))
        w.pending = None
