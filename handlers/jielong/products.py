"""Products announced in a chain's header (`前腿肉 26元/斤；肋排 42元/斤`) and item matching."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from handlers.jielong.normalize import halfwidth, nfkc, squash
from handlers.jielong.quantity import UNIT_RE
from handlers.jielong.store import Product

_PRICE = re.compile(
    rf"(?:[¥￥]\s*(?P<p1>\d+(?:\.\d+)?)|(?P<p2>\d+(?:\.\d+)?)\s*(?:元|块(?!钱)|圆|rmb|RMB|[rR](?![A-Za-z]))"
    rf"|(?:单价|售价|价格)\s*[:：]?\s*(?P<p3>\d+(?:\.\d+)?)(?![\d.]|\s*(?:元|块|圆|rmb|RMB|[rR])))"
    rf"\s*(?:(?:/|每|一|1)\s*(?P<unit>{UNIT_RE}))?"
)
_SEP = re.compile(r"[；;，,。、|\n]|(?<=[）)】\]])")
_HEADER_TAG = re.compile(r"#\s*接龙|【\s*接龙\s*】|\[\s*接龙\s*\]|#\s*group\s*note|^\s*接龙", re.I)
_NUMBERING = re.compile(r"^\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[.、)]\s*")
_JUNK_WORDS = re.compile(
    r"^(?:团购|拼团|预售|预订|预定|接龙|群接龙|品名|名称|商品|产品|价格|单价|售价|今日|今天|明日|本期|"
    r"第[\d一二三四五六七八九十]+[期批轮]|[^\s]*?路?\d+弄|[^\s]*?[小社]区|[^\s]*?\d期)$"
)
_SPEC = re.compile(
    r"^(?:约|净重|规格)?\d+(?:\.\d+)?\s*(?:ml|mL|ML|l|L|g|G|kg|KG|Kg|斤装?|公斤装?|千克|克|枚|个装|只装|"
    r"片装|粒|cm|寸|%|升|毫升|袋装|瓶装|盒装|支装|包装)$"
)
_TRAIL_SPEC = re.compile(r"(?<=\D)\d+(?:\.\d+)?\s*(?:ml|mL|L|g|kg|斤装|公斤装|枚|个装|袋装)$")
_LEAD_LABEL = re.compile(r"^(?:价格|单价|售价|品名|名称|商品)[:：]?\s*")
_TRAIL_LABEL = re.compile(r"(?:价格|单价|售价|每份|每斤|只要|仅需|特价|原价)?[:：]?\s*$")
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


def parse_products(lines: Iterable[str]) -> tuple[Product, ...]:
    """Every `name price/unit` announced in the header lines, in order, without duplicates."""
    found: list[Product] = []
    for line in lines:
        for product in _products_in(halfwidth(nfkc(line))):
            if all(squash(p.name) != squash(product.name) for p in found):
                found.append(product)
    return tuple(found)


def _products_in(line: str) -> list[Product]:
    line = _HEADER_TAG.sub(" ", line)
    line = _NUMBERING.sub("", line)
    out: list[Product] = []
    start = 0
    for m in _PRICE.finditer(line):
        if m["unit"] is None and _looks_like_fee(line, m):
            start = m.end()
            continue
        name = product_name(_last_piece(line[start : m.start()]))
        if name:
            price = float(m["p1"] or m["p2"] or m["p3"])
            out.append(Product(name=name, price=price, unit=m["unit"]))
        start = m.end()
    return out


def _looks_like_fee(line: str, m: re.Match[str]) -> bool:
    before = line[max(0, m.start() - 4) : m.start()]
    return any(w in before for w in ("满", "运费", "押金", "定金", "起送", "包邮", "共", "合计"))


def _last_piece(text: str) -> str:
    """The text after the last separator (the name right before its price)."""
    pieces = [p for p in _SEP.split(text) if p and p.strip()]
    return pieces[-1] if pieces else ""


def product_name(text: str) -> str:
    """'团购 东北大米 10斤装' → '东北大米': drop labels, campaign words, lanes and specs."""
    text = _LEAD_LABEL.sub("", text.strip(" \t:：-—()（）【】[]"))
    text = _TRAIL_LABEL.sub("", text).strip()
    tokens = [t for t in text.split() if t]
    while tokens and _JUNK_WORDS.match(tokens[0]) and len(tokens) > 1:
        tokens.pop(0)
    while tokens and _SPEC.match(tokens[-1]) and len(tokens) > 1:
        tokens.pop()
    name = " ".join(t for t in tokens if not _SPEC.match(t))
    stripped = _TRAIL_SPEC.sub("", name).strip()
    return stripped or name


def title_product(title: str, unit: str | None) -> Product | None:
    """A product named only by the title ('团购大白菜，每户1份') when no price is given."""
    text = halfwidth(nfkc(_HEADER_TAG.sub(" ", title)))
    first = next((p for p in _SEP.split(text) if p and p.strip()), "")
    name = product_name(re.sub(r"^(?:团购|拼团|预订|预定|接龙)\s*", "", first.strip()))
    return Product(name=name, unit=unit) if name else None


def match_product(name: str, products: Sequence[Product]) -> Product | None:
    """The product a written item name means (containment, then synonyms, then overlap)."""
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
    return _by_overlap(written, products)


def _by_containment(
    written: str, products: Sequence[Product], *, exact_first: bool = True
) -> Product | None:
    names = [(p, squash(p.name)) for p in products]
    if exact_first:
        for p, n in names:
            if n == written:
                return p
    hits = [p for p, n in names if written in n or (n and n in written)]
    return hits[0] if len(hits) == 1 else None


def _by_overlap(written: str, products: Sequence[Product]) -> Product | None:
    """The single product sharing the longest run (≥ 2 characters) with the written name."""
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
