"""Pack sizes and specifications: what describes a product, never how many of it.

`30枚/盒`, `600ml*24瓶`, `5斤装`, `每份约10斤`, `75%`, `1段`, `80抽`: in a header they are not
the product's name, and on a resident's line they belong to the item (`可乐600ml*24瓶 4箱` is
item `可乐600ml*24瓶` × 4 箱), never to the quantity or the note.
"""

from __future__ import annotations

import re

_NUM = r"\d+(?:\.\d+)?"
_CN_NUM = r"[一二两三四五六七八九十百半]+"
# Measures of size or content (a weight, a volume, a count inside a pack).
_MEASURE = (
    r"(?:ml|mL|ML|Ml|毫升|公升|L|l|升|g|G|克|kg|KG|Kg|公斤|千克|斤|两|cm|CM|mm|寸|米|m|"
    r"枚|个|只|片|粒|抽|支|卷|包|袋|瓶|盒|罐|听|条|根|块|颗|斤|入|P|p|隻|個|條|顆|塊)"
)
_PACK = r"(?:瓶|盒|袋|包|罐|听|支|粒|片|个|只|枚|箱|提|桶|卷|条|板|排|棵|隻|個|條|顆|塊)"
# '约8斤/个', '整棵约8斤', '每个约': an approximate size
_ABOUT = r"(?:(?:整[棵个只箱袋盒]|每[份袋箱盒包个只棵])?\s*(?:约|重|净重|净含量|规格)\s*)?"
SPEC_RE = (
    rf"(?:{_NUM}\s*{_MEASURE}?\s*[*×xX＊]\s*{_NUM}\s*{_PACK}?"  # 600ml*24瓶, 0.3g*24粒
    rf"|{_ABOUT}{_NUM}\s*{_MEASURE}\s*/\s*{_PACK}"  # 30枚/盒, 5斤/袋, 约8斤/个
    rf"|(?:{_NUM}|{_CN_NUM})\s*{_MEASURE}?\s*[装裝]"  # 5斤装, 6个装, 24罐装
    rf"|(?:{_NUM}|{_CN_NUM})\s*[连連]\s*[包袋盒]"  # 方便面5连包: a multipack
    rf"|(?:整[棵个只箱袋盒])?\s*(?:约|净重|净含量|规格)\s*{_NUM}\s*{_MEASURE}"  # 约2斤
    # 每份约10斤
    rf"|每\s*(?:份|袋|箱|盒|包|个)\s*(?:约|重)?\s*(?:{_NUM}|{_CN_NUM})\s*{_MEASURE}(?:左右)?"
    rf"|{_NUM}\s*%"  # 75%
    rf"|{_NUM}\s*(?:ml|mL|ML|毫升|L|升|g|克|kg|KG|Kg|千克|抽|段|码|寸|cm|mm|W|w|度)"
    r"(?![\u4e00-\u9fff]?[装裝])"
    r")"
)
SPEC = re.compile(SPEC_RE)
SIZE = re.compile(rf"{_NUM}\s*{_MEASURE}")  # any number with a measure: '4两', '500g'
_SPEC_ONLY = re.compile(rf"^(?:\s*(?:{SPEC_RE})\s*)+$")
# Forms that can only be a specification, whatever follows them.
_PURE_SPEC = re.compile(
    rf"{_NUM}\s*{_MEASURE}?\s*[*×xX＊]\s*{_NUM}\s*{_PACK}?|{_NUM}\s*{_MEASURE}\s*/\s*{_PACK}"
    rf"|(?:{_NUM}|{_CN_NUM})\s*{_MEASURE}?\s*[装裝]|{_NUM}\s*%|{_NUM}\s*(?:抽|段)"
    rf"|(?:{_NUM}|{_CN_NUM})\s*[连連]\s*[包袋盒]"
)


_CONTENT = r"(?:ml|mL|ML|L|l|毫升|公升|升|g|G|克|kg|KG|Kg|千克|公斤|斤)"
_COUNT_UNIT = r"(?:瓶|盒|袋|包|罐|听|箱|提|桶|个|只|支|份|板|卷|条|件|套)"
# '酒精500ml 2瓶', '大米5斤 2袋': a content measure right before a count of packs
CONTENT_BEFORE_COUNT = re.compile(
    rf"(?<![\d.])\d+(?:\.\d+)?\s*{_CONTENT}(?=\s*(?:\d+|[一二两三四五六七八九十]+)\s*{_COUNT_UNIT})"
)


# '冷面500g×4袋': a content, then a count of packs of it (a count only where the chain sells by
# that pack: '可乐600ml*24瓶' sold by the 箱 is one case of 24 bottles)
_COUNTED_PACK = re.compile(
    rf"^(?P<item>.*?[^\W\d_].*?(?<![\d.])\d+(?:\.\d+)?\s*{_CONTENT})"
    rf"\s*[*×xX＊]\s*(?P<n>\d{{1,3}})\s*(?P<pack>{_COUNT_UNIT})$"
)


def counted_pack(name: str) -> tuple[str, int, str] | None:
    """'冷面500g×4袋' → ('冷面500g', 4, '袋'): the item with its content, how many, which pack."""
    m = _COUNTED_PACK.match(name.strip())
    return (m["item"].strip(), int(m["n"]), m["pack"]) if m else None


def is_spec(text: str) -> bool:
    """True when the text is nothing but specifications ('30枚/盒', '约10斤', '500ml 24瓶装')."""
    return bool(text.strip()) and _SPEC_ONLY.match(text) is not None


def pure_specs(text: str) -> list[tuple[int, int]]:
    """Spans of the forms that only a specification takes (x*y, a/b, …装, %, 抽, 段)."""
    return [m.span() for m in _PURE_SPEC.finditer(text)]
