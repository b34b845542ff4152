"""Measure words misheard or mistyped as another character of the same sound, read as meant.

Handwriting and pinyin input write 代 for 袋 ('大米两代'); voice input writes 分 for 份
('两分菜'). Each is read as the measure word only after a count and only in a chain that sells
by that measure word, one character for one, so the offsets of the line hold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from handlers.jielong.products import match_product, units_of
from handlers.jielong.repo import Product

# Handwriting and pinyin input's homophones of a measure word, after a count: 两代 for 两袋
_UNIT_HOMOPHONES = {"代": "袋"}
_AFTER_COUNT = r"(?<=[\d两一二三四五六七八九十半])"


# Voice input's 分 for 份 ('两分菜'), only where goods or nothing follow ('十分感谢' stays)
_FEN = re.compile(_AFTER_COUNT + r"分(?P<next>[\u4e00-\u9fff]{0,4})")


def unit_homophones(text: str, products: Sequence[Product]) -> str:
    """'10斤装两代' in a chain sold by the 袋 reads 两袋, '两分菜' in one sold by the 份 两份菜
    (one character for one: offsets hold)."""
    units = units_of(products)
    for typo, unit in _UNIT_HOMOPHONES.items():
        if unit in units and typo in text:
            text = re.sub(_AFTER_COUNT + typo, unit, text)
    if "份" in units and "分" in text:
        text = _FEN.sub(lambda m: _portion(m, products), text)
    return text


def _portion(m: re.Match[str], products: Sequence[Product]) -> str:
    after = m["next"]
    goods = not after or any(match_product(after[:n], products) for n in range(len(after), 0, -1))
    return f"份{after}" if goods else m[0]
