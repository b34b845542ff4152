"""A run of items inside one segment of an entry line, read against the chain's catalogue.

'肋排两斤猪蹄二个', '橙子4斤青岛清爽24罐装一箱', '可乐600ml*24瓶 4箱', '酒精x2', '84消毒液两瓶',
'红和黄各一斤', and voice input with no spaces: '杜两箱家里有老人麻烦送上楼' (a surname, two
boxes, then a note). Pack sizes and model codes (KN95) belong to the item's name, never to its
count; what follows the last item and names nothing the chain sells is left for the note.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from handlers.jielong.names import looks_like_person
from handlers.jielong.normalize import squash
from handlers.jielong.products import match_product, names_product
from handlers.jielong.quantity import QTY, UNIT_RE, Pair, Qty, read_qty
from handlers.jielong.repo import Product
from handlers.jielong.spec import CONTENT_BEFORE_COUNT, pure_specs

MAX_ITEM_CHARS = 16
_MODEL = re.compile(r"(?<![A-Za-z])(?![xX×]\d)[A-Za-z]{1,4}\d{1,4}(?![\d.])")  # KN95, N95, P40
# 84消毒液: digits glued to a name, with no measure word after them
_DIGITS_IN_NAME = re.compile(rf"(?<![\d.])\d{{1,4}}(?!\d|\.\d|\s*{UNIT_RE})(?=[^\W\d_]{{2}})")
_ITEM = re.compile(r"(?:[^\W\d_]|[·・&'’\-+/])+")
_VERB = re.compile(r"^(?:再|也|还|我|另)?(?:要|来|订|买|拿|预订|预定|共|一共|合计|总共)")
_EACH = re.compile(r"各\s*$")
_JOIN = re.compile(r"\s*(?:和|与|跟|及|、|/|＋|\+)\s*")
_NOTE_WORDS = re.compile(
    r"放|门口|请|麻烦|谢谢|家|送|楼|在|不|别|要|点|下午|上午|晚上|明天|今天|老人"
)
# A menu lettered A, B, C ('A套餐', 'B款') and a letter of it with a count ('A1', 'C×2')
_CODED = re.compile(r"[A-Za-z](?:套餐|套|餐|款|类|组|档)")
_CODE_COUNT = re.compile(r"(?P<code>[A-Za-z])\s*[*×xX]?\s*(?P<n>\d{1,2})")
_PLACEHOLDER = "品"  # a letter standing for a pack size or model code while counts are found


@dataclass(frozen=True, slots=True)
class Run:
    """Items found in a segment: a person's name glued before them, the pairs, where they end."""

    person: tuple[int, int] | None
    pairs: list[Pair]
    spans: list[tuple[int, int] | None]  # where each pair's name was written
    end: int  # the segment from here on is not items (a note)
    each: bool = False  # the first count is 各: it also counts the items listed just before


def read_run(seg: str, products: Sequence[Product]) -> Run | None:
    """The items written in `seg` (half-width); None when it holds no count at all."""
    masked = _mask(seg)
    counts = [m for m in QTY.finditer(masked) if _count_ok(masked, m)]
    if not counts:
        return None
    pairs: list[Pair] = []
    spans: list[tuple[int, int] | None] = []
    person: tuple[int, int] | None = None
    pos = 0
    each = _EACH.search(masked[: counts[0].start()]) is not None
    for k, m in enumerate(counts):
        qty = read_qty(m)
        span = _name_span(seg, pos, m.start())
        text = seg[span[0] : span[1]] if span else ""
        if k == 0 and text and not _item_ok(masked, span, products):
            person, span = _split_person(seg, masked, span, products)
        elif k == 0 and text and products and not names_product(text, products):
            person, span = _person_before_goods(seg, span, products)
        elif k > 0 and text and not _item_ok(masked, span, products):
            return _done(person, pairs, spans, pos) if pairs else None
        if qty is None:
            return None
        for name_span in _each(seg, span, masked, m, products):
            pairs.append(Pair(seg[name_span[0] : name_span[1]] if name_span else None, qty))
            spans.append(name_span)
        pos = m.end()
    run = _tail(seg, masked, person, pairs, spans, pos, products)
    return Run(run.person, run.pairs, run.spans, run.end, each=each)


def coded_pair(seg: str, products: Sequence[Product]) -> Pair | None:
    """'C2' in a chain selling A套餐, B套餐, C套餐: two of C (a letter of the menu, a count)."""
    m = _CODE_COUNT.fullmatch(seg)
    codes = {p.name[0].upper() for p in products if _CODED.fullmatch(squash(p.name))}
    if m is None or len(codes) < 2 or m["code"].upper() not in codes:
        return None
    return Pair(m["code"], Qty(float(m["n"]), None, bare=True))


def describes_goods(word: str) -> bool:
    """A word carrying a pack size or a model code ('600ml*24瓶', 'KN95'): goods, not a person."""
    masked = _mask(word, digits=False)
    return (
        _PLACEHOLDER not in word and _PLACEHOLDER in masked and _ITEM.fullmatch(masked) is not None
    )


def pack_only(name: str) -> bool:
    """'5斤装', '600ml*24瓶': a pack size with no goods named (the chain's product is meant)."""
    masked = _mask(name, digits=False).strip()
    return _PLACEHOLDER not in name and bool(masked) and not masked.strip(_PLACEHOLDER)


@lru_cache(maxsize=8192)  # segments repeat ('1袋', '王阿姨'): each is masked once
def _mask(seg: str, *, digits: bool = True) -> str:
    """Pack sizes and model codes (and digits glued to a name) as letters: no count inside."""
    chars = list(seg)
    spans = pure_specs(seg) + [m.span() for m in _MODEL.finditer(seg)]
    spans += [m.span() for m in CONTENT_BEFORE_COUNT.finditer(seg)]
    if digits:
        spans += [m.span() for m in _DIGITS_IN_NAME.finditer(seg)]
    for start, end in spans:
        chars[start:end] = _PLACEHOLDER * (end - start)
    return "".join(chars)


def _count_ok(masked: str, m: re.Match[str]) -> bool:
    """A bare number counts only at the end, alone or right after a Chinese item name."""
    if not m["bare"]:
        return True
    if masked[m.end() :].strip():
        return False
    before = masked[: m.start()].rstrip()
    return not before or "\u4e00" <= before[-1] <= "\u9fff" or before[-1] in "品"


def _name_span(seg: str, start: int, end: int) -> tuple[int, int] | None:
    """The written name between two counts, without spaces and verbs ('要', '来', '共')."""
    while start < end and seg[start].isspace():
        start += 1
    while end > start and seg[end - 1].isspace():
        end -= 1
    verb = _VERB.match(seg, start, end)
    if verb is not None:
        start = verb.end()
    each = _EACH.search(seg, start, end)
    if each is not None:
        end = each.start()
    while end > start and seg[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def _item_ok(masked: str, span: tuple[int, int] | None, products: Sequence[Product]) -> bool:
    if span is None:
        return True
    text = masked[span[0] : span[1]]
    return len(text) <= MAX_ITEM_CHARS and _ITEM.fullmatch(text) is not None


def _split_person(
    seg: str, masked: str, span: tuple[int, int] | None, products: Sequence[Product]
) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """'杜' before '两箱', '王大米' before '2袋': a person first, then the item (or nothing)."""
    assert span is not None
    start, end = span
    for cut in range(min(end, start + 4), start, -1):
        head = seg[start:cut]
        rest = (cut, end) if cut < end else None
        if looks_like_person(head) and (rest is None or _item_ok(masked, rest, products)):
            return (start, cut), rest
    return None, None


def _person_before_goods(
    seg: str, span: tuple[int, int] | None, products: Sequence[Product]
) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """'邹美华要脐橙' before '两箱', '熊师傅要' before '两份菜': dictation runs the name into
    the order; a person, then a verb or a product of the chain, splits off (else unchanged).
    A head that is part of the product's own name ('牛肉' for 牛腱子肉) is no person."""
    assert span is not None
    start, end = span
    for cut in range(min(end - 1, start + 4), start, -1):
        head = seg[start:cut]
        if not looks_like_person(head):
            continue
        verb = _VERB.match(seg[cut:end])
        rest = _name_span(seg, cut + (verb.end() if verb else 0), end)
        product = None if rest is None else match_product(seg[rest[0] : rest[1]], products)
        if rest is None or (product is not None and not set(head) & set(product.name)):
            return (start, cut), rest
    return None, span


def _each(
    seg: str,
    span: tuple[int, int] | None,
    masked: str,
    m: re.Match[str],
    products: Sequence[Product],
) -> list[tuple[int, int] | None]:
    """'红和黄各一斤', '青椒茄子各一斤': each named item gets the count; otherwise the one name."""
    if span is None or _EACH.search(masked[: m.start()]) is None:
        return [span]
    pieces: list[tuple[int, int]] = []
    pos = span[0]
    for sep in _JOIN.finditer(seg, span[0], span[1]):
        if sep.start() > pos:
            pieces.append((pos, sep.start()))
        pos = sep.end()
    if span[1] > pos:
        pieces.append((pos, span[1]))
    out: list[tuple[int, int] | None] = []
    for piece in pieces:
        out.extend(split_by_catalogue(seg, piece, products))
    return out or [span]


def split_by_catalogue(
    seg: str, span: tuple[int, int], products: Sequence[Product]
) -> list[tuple[int, int]]:
    """'青椒茄子' → 青椒 + 茄子 when the words run together and each is a product's name."""
    names = sorted({squash(p.name) for p in products if p.name}, key=len, reverse=True)
    text = seg[span[0] : span[1]]
    if match_product(text, products) is not None and text in names:
        return [span]
    parts: list[tuple[int, int]] = []
    pos = 0
    while pos < len(text):
        name = next((n for n in names if text.startswith(n, pos)), None)
        if name is None:
            return [span]
        parts.append((span[0] + pos, span[0] + pos + len(name)))
        pos += len(name)
    return parts if len(parts) > 1 else [span]


def _tail(
    seg: str,
    masked: str,
    person: tuple[int, int] | None,
    pairs: list[Pair],
    spans: list[tuple[int, int] | None],
    pos: int,
    products: Sequence[Product],
) -> Run:
    """'两袋水饺': a product named after its count; anything else after the items is a note."""
    rest = _name_span(seg, pos, len(seg))
    if rest is None:
        return _done(person, pairs, spans, len(seg))
    text = seg[rest[0] : rest[1]]
    named_after = pairs[-1].name is None and len(pairs) == 1
    if named_after and _item_ok(masked, rest, products) and _names_goods(text, products):
        pairs[-1] = Pair(text, pairs[-1].qty)
        spans[-1] = rest
        return _done(person, pairs, spans, len(seg))
    return _done(person, pairs, spans, pos)


def _names_goods(text: str, products: Sequence[Product]) -> bool:
    if products:
        return match_product(text, products) is not None
    return len(text) <= 4 and _NOTE_WORDS.search(text) is None


def _done(
    person: tuple[int, int] | None,
    pairs: list[Pair],
    spans: list[tuple[int, int] | None],
    end: int,
) -> Run:
    return Run(person=person, pairs=pairs, spans=spans, end=end)
