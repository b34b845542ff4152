"""Which product of the chain's catalogue a written item name means (and its default)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from handlers.jielong.normalize import squash
from handlers.jielong.repo import Product

_SYNONYMS = (
    ("鸡蛋", "蛋", "土鸡蛋"),
    ("西红柿", "番茄"),
    ("土豆", "马铃薯", "洋芋"),
    ("猪蹄", "猪脚", "猪手"),
    ("排骨", "肋排", "小排"),
    ("大米", "米"),
    ("花生油", "食用油", "油"),
    ("挂面", "面条"),
    ("面粉", "白面"),
    ("酒精", "消毒液"),
    ("湿巾", "湿纸巾"),
    ("牛奶", "奶"),
    ("水饺", "饺子"),
    ("卷心菜", "包菜", "圆白菜", "洋白菜"),
    ("白菜", "大白菜"),
    ("蔬菜", "菜", "蔬菜包", "菜包", "套餐"),
    ("前腿肉", "前腿"),
    ("后腿肉", "后腿"),
    ("五花肉", "五花"),
    ("口罩", "医用口罩"),
    ("抽纸", "纸巾", "卫生纸"),
)


def match_product(name: str, products: Sequence[Product]) -> Product | None:
    """The product a written item name means (containment, then synonyms, then overlap)."""
    return _match_product(name, tuple(products))


def names_product(name: str, products: Sequence[Product]) -> bool:
    """The written name holds a product's name or a synonym of it, or is held in one: not only
    some characters shared ('涂阿姨米粉' shares 米粉 with 南昌米粉 but holds neither)."""
    return _match_product(name, tuple(products), loose=False) is not None


@lru_cache(maxsize=4096)  # a chain asks about the same few words on every line
def _match_product(
    name: str, products: tuple[Product, ...], *, loose: bool = True
) -> Product | None:
    written = squash(name)
    if not written or not products:
        return None
    found = _by_containment(written, products)
    if found is not None:
        return found
    for group in _SYNONYMS:
        if any(written == word or (len(word) > 1 and word in written) for word in group):
            for word in group:
                found = _by_containment(word, products, exact_first=False)
                if found is not None:
                    return found
    if not loose:
        return None
    return _by_overlap(written, products) or _by_letters_in_order(written, products)


def _by_letters_in_order(written: str, products: Sequence[Product]) -> Product | None:
    """'羊肉' for 羊后腿肉: the single product whose name holds the written characters in
    their order (two or more Chinese characters)."""
    if len(written) < 2 or not all("\u4e00" <= ch <= "\u9fff" for ch in written):
        return None
    hits = {squash(p.name): p for p in products if _in_order(written, squash(p.name))}
    return next(iter(hits.values())) if len(hits) == 1 else None


def _in_order(written: str, name: str) -> bool:
    rest = iter(name)
    return all(ch in rest for ch in written)


def one_character_goods(text: str, products: Sequence[Product]) -> bool:
    """'水' for 桶装水, '梨' for 软儿梨: one character of a product's name that means it."""
    if len(text) != 1 or not any(text in p.name for p in products):
        return False
    return match_product(text, products) is not None


def _by_containment(
    written: str, products: Sequence[Product], *, exact_first: bool = True
) -> Product | None:
    names = [(p, squash(p.name)) for p in products]
    if exact_first:
        for p, n in names:
            if n == written:
                return p
    hits = [p for p, n in names if written in n or (n and n in written)]
    if len({squash(p.name) for p in hits}) == 1:  # sizes of one product: the size written
        return next((p for p in hits if p.spec and p.spec in written), hits[0])
    return None


def _by_overlap(written: str, products: Sequence[Product]) -> Product | None:
    """The single product sharing the longest run (≥ 2 characters) with the written name; a word
    in Latin letters only matches whole ('Mark' shares 'ma' with 'Mango' and is no mango)."""
    if written.isascii() and written.isalpha():
        return None
    best: list[Product] = []
    best_len = 1
    for p in products:
        run = _longest_common_run(written, squash(p.name))
        if run > best_len:
            best, best_len = [p], run
        elif run == best_len and run > 1:
            best.append(p)
    return best[0] if len(best) == 1 else None


def _longest_common_run(a: str, b: str) -> int:
    longest = 0
    for i in range(len(a)):
        for j in range(i + longest + 1, len(a) + 1):
            if a[i:j] in b:
                longest = j - i
            else:
                break
    return longest


def default_product(products: Sequence[Product], unit: str | None) -> Product | None:
    """The product an unnamed quantity means: the only one, or the only one sold by `unit`."""
    if len(products) == 1:
        return products[0]
    if unit is not None:
        same = [p for p in products if p.unit == unit]
        if len(same) == 1:
            return same[0]
    return None


def units_of(products: Sequence[Product]) -> set[str]:
    """The measure words the chain sells by."""
    return {p.unit for p in products if p.unit}


def product_by_spec(written: str, products: Sequence[Product]) -> Product | None:
    """The one product whose announced pack size the written item carries ('芒果5斤装' →
    'Mango 贵妃芒 5斤装' when no other product comes in 5斤装), else None."""
    text = squash(written)
    same = [p for p in products if p.spec and p.spec in text]
    return same[0] if len({squash(p.name) for p in same}) == 1 else None


def product_of_pack(pack: str, products: Sequence[Product]) -> Product | None:
    """The product announced with this pack size ('10斤装' → 东北大米 10斤装), else the default."""
    written = squash(pack)
    same = [p for p in products if p.spec and (p.spec in written or written in p.spec)]
    return same[0] if len(same) == 1 else default_product(products, None)
