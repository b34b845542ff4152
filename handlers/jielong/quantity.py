"""Quantities as residents write them: 2份, 两斤半, 壹斤, 半斤, x2, ×2, *2, +1, a bare 2."""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.jielong.normalize import cn_number

# Measure words of goods (not 人/位/次/天: those count people, visits and days).
_UNIT_WORDS = (
    "公斤|千克|份|斤|袋|箱|瓶|个|盒|包|桶|串|只|件|支|把|块|根|条|颗|粒|张|套|提|罐|听|板|打|盆|"
    "個|隻|條|顆|塊|張|盤|籃|雙|對|組|捲|紮|两|"
    "束|杯|碗|对|双|枚|片|本|捆|扎|卷|组|兜|筐|排|株|棵|头|升|壶|盘|篮|节|克|屉|笼|尾|斗|"
    "kg|KG|Kg|L|ml|mL|ML"
)
UNITS = tuple(_UNIT_WORDS.split("|"))
UNIT_RE = "(?:" + "|".join(sorted(UNITS, key=len, reverse=True)) + ")"
UNIT_START = re.compile(rf"{UNIT_RE}(?:半)?(?![^\W\d_])")
NUM_RE = r"(?:\d+(?:\.\d+)?|[零〇一二两兩俩倆三四五六七八九十百壹贰貳叁參肆伍陆陸柒捌玖拾佰廿半]+)"
# A unit that is really part of a word or a spec: 10斤装, 5块钱, 2包子, 一打开.
_UNIT_END = r"(?![装裝]|钱|子|开|算|工|头发|电话|条件|件事|本人)"

QTY = re.compile(
    rf"(?P<times>[xX×*＊]\s*(?P<tn>\d{{1,4}}(?:\.\d+)?)\s*(?P<tu>{UNIT_RE})?{_UNIT_END})"
    rf"|(?P<plus>\+\s*(?P<pn>\d{{1,3}})\s*(?P<pu>{UNIT_RE})?{_UNIT_END})"
    rf"|(?P<num>(?P<n>{NUM_RE})\s*(?P<u>{UNIT_RE})(?P<half>半)?{_UNIT_END})"
    rf"|(?P<bare>(?<![\d.])(?P<bn>\d{{1,3}}(?:\.\d+)?)(?![\d.]))"
)
_VERB_PREFIX = re.compile(r"^(?:再|也|还|我)?(?:要|来|订|买|拿|预订|预定|共|一共|合计|总共|各)")
_NAME_OK = re.compile(r"[^\W\d_]+(?:[·・&][^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class Qty:
    """One quantity: how many, the measure word as written (or None), how it was written."""

    value: float
    unit: str | None
    bare: bool = False  # a bare number or x2 with no measure word


@dataclass(frozen=True, slots=True)
class Pair:
    """An item name as written (or None) and its quantity (None: the name alone, count 1)."""

    name: str | None
    qty: Qty | None


def read_qty(m: re.Match[str]) -> Qty | None:
    """The quantity of one QTY match, or None when its number cannot be read."""
    if m["times"]:
        return _qty(m["tn"], m["tu"], bare=m["tu"] is None)
    if m["plus"]:
        return _qty(m["pn"], m["pu"], bare=m["pu"] is None)
    if m["num"]:
        qty = _qty(m["n"], m["u"], bare=False)
        if qty is not None and m["half"]:
            return Qty(qty.value + 0.5, qty.unit)
        return qty
    return _qty(m["bn"], None, bare=True)


def _qty(number: str, unit: str | None, *, bare: bool) -> Qty | None:
    value = cn_number(number)
    if value is None or value <= 0 or value > 9999:
        return None
    return Qty(value, unit, bare)


def valid_item_name(text: str) -> bool:
    """Letters only (Chinese or Latin), short: an item or a person, not a sentence or a code."""
    return 0 < len(text) <= 12 and _NAME_OK.fullmatch(text) is not None
