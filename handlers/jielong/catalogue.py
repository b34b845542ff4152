"""The products a chain's header announces: name, price, unit (`前腿肉 26元/斤；肋排 42元/斤`).

A worker reads `【第3批保供蔬菜包】每份约10斤 58元/份` as the product 蔬菜包 sold at 58元 a 份:
the text right before a price is the product unless it only describes it (a pack size, a
weight, a note in brackets), in which case the name stands further back (the title in
brackets, `本楼鸡蛋团` → 鸡蛋). Batch numbers, campaign words and places are not the name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from handlers.jielong.normalize import halfwidth, nfkc, squash
from handlers.jielong.quantity import UNIT_RE
from handlers.jielong.repo import Product
from handlers.jielong.spec import SIZE, SPEC, is_spec

_PRICE = re.compile(
    r"(?:[¥￥$]\s*(?P<p1>\d+(?:\.\d+)?)|(?P<p2>\d+(?:\.\d+)?)\s*(?:元|块(?!钱|装)|圆|rmb|RMB|[rR](?![A-Za-z]))"
    r"|(?:单价|售价|价格)\s*[:：]?\s*(?P<p3>\d+(?:\.\d+)?)(?![\d.]|\s*(?:元|块|圆|rmb|RMB|[rR])))"
    rf"\s*(?:(?:/|每|一|1)\s*(?P<unit>{UNIT_RE}))?"
)
# '每份58元', '每斤26元': the unit written before the price.
_UNIT_FIRST = re.compile(rf"每\s*(?P<unit>{UNIT_RE})\s*$")
_HEADER_TAG = re.compile(
    r"#\s*(?:群)?接[龙龍]|【\s*接[龙龍]\s*】|\[\s*接[龙龍]\s*\]|#\s*group\s*notes?|^\s*接[龙龍]",
    re.I,
)
_NUMBERING = re.compile(r"^\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})\s*[.、)]\s*")
_PIECES = re.compile(r"[；;，,。、|\n：:!！~～]|(?=[【\[（(])|(?<=[】\]）)])")
_ANNOTATION = re.compile(r"^[（(].*[）)]$")
_GROUP = re.compile(r"[（(][^（）()]*[）)]")  # a closed round-bracket group
# A list of what is inside ('白菜、土豆、番茄等'): the contents, never the product's name.
_CONTENTS = re.compile(r"[、，,]|(?<![特一二三头上优])等$")
# Words around a product that name the campaign, not the goods.
_LEAD_JUNK = re.compile(
    r"^(?:本楼|本栋|本单元|本群|本小区|本周|本期|本次|本批|周末|明早|明天|今天|今日|今晚|后天|"
    r"国庆|中秋|春节|元旦|端午|节前|年前|"
    r"第[\d一二三四五六七八九十]+[批期轮次波]|保供|平价|特价|限时|新一轮|新一批|"
    r"团购|拼团|代购|预订|预定|预售|(?:群)?接龙(?:买|订|购|团)?|开团|购买|订购|买|社区|小区|楼栋|"
    r"[^\s]{0,8}?(?:小区|社区|[^\d\s]苑|花园|家园)(?:团购|团)?|[^\s]*?路?\d+弄|[^\s]*?\d期)+"
)
_TRAIL_JUNK = re.compile(r"(?:团购|拼团|代购|预订|预定|预售|接龙|汇总|专场|统计|开团|团)+$")
_LEAD_LABEL = re.compile(r"^(?:价格|单价|售价|品名|名称|商品|产品)[:：]?\s*")
_TRAIL_LABEL = re.compile(
    r"(?:价格|单价|售价|每份|每斤|每袋|每箱|每盒|只要|仅需|特价|原价)?[:：]?\s*$"
)
_VERB_OBJECT = re.compile(
    r"(?:发放|团购|拼团|代购|购买|订购|预订|预定|接龙买|接龙订|买|订|领取|配送|供应)(?P<obj>[^\s，,。、；;！!？?（(【\[]{1,12})"
)
_COUNT = re.compile(rf"^\d+(?:\.\d+)?\s*{UNIT_RE}$")  # '30枚' before '45元/盒': inside the pack
_CAMPAIGN = re.compile(r"(?:团购|拼团|团)$")  # '牛奶团 蒙牛纯牛奶': the campaign, then the goods
_DECORATION = "".join(chr(c) for c in range(0x1F300, 0x1FAFF)) + "\ufe0f\u2600-\u27bf"
_DESCRIPTIVE = re.compile(
    r"直发|直送|直供|发货|产地|现挖|现摘|现发|现做|现烤|现杀|包邮|到家|配送|冷链|顺丰|空运|促销|秒杀|"
    r"限时|预售|新鲜到货|当天|次日|隔日|基地|原产"
)
# Titles that tell people what to do, not what is sold.
_INSTRUCTION = re.compile(
    r"写清|请写|写明|注明|统一(?:配送|发放|送|安排|到|领)|登记|截单|截止|自提|取货|到货|通知|接龙$"
)
_FEE_WORDS = ("满", "运费", "押金", "定金", "起送", "包邮", "共", "合计", "配送费", "打包费")


def parse_products(lines: Iterable[str], title_goods: str = "") -> tuple[Product, ...]:
    """Every `name price/unit` announced in the header lines, in order, without duplicates;
    sizes priced with no name of their own ('5斤装 35元/箱') are sizes of `title_goods`."""
    found: list[Product] = []
    for line in lines:
        for product in _products_in(halfwidth(nfkc(line)), title_goods):
            if all((squash(p.name), p.spec) != (squash(product.name), product.spec) for p in found):
                found.append(product)
    return tuple(found)


def _products_in(line: str, title_goods: str = "") -> list[Product]:
    line = _NUMBERING.sub("", _HEADER_TAG.sub(" ", line))
    out: list[Product] = []
    start = 0
    for m in _PRICE.finditer(line):
        unit = m["unit"] or _unit_before(line[start : m.start()])
        if unit is None and _looks_like_fee(line, m):
            start = m.end()
            continue
        name = product_name(line[start : m.start()])
        spec = SPEC.search(line, start, m.start())
        pack = squash(spec[0]) if spec else None
        if not name and pack:  # '大米 5斤装 22元/袋，10斤装 40元/袋': a second size of it
            name = out[-1].name if out else title_goods
        if name:
            price = float(m["p1"] or m["p2"] or m["p3"])
            out.append(Product(name=name, price=price, unit=unit, spec=pack))
        start = m.end()
    return out


def _unit_before(text: str) -> str | None:
    m = _UNIT_FIRST.search(text)
    return m["unit"] if m else None


def _looks_like_fee(line: str, m: re.Match[str]) -> bool:
    before = line[max(0, m.start() - 4) : m.start()]
    return any(w in before for w in _FEE_WORDS)


def product_name(text: str) -> str:
    """The product in the text before its price: the last piece that is not a description."""
    pieces = _pieces(text)
    described = ""
    for i in range(len(pieces) - 1, -1, -1):
        if i > 0 and _ANNOTATION.match(pieces[i]):
            continue  # '（楼栋群）', '（社区平价）': a remark about what stands before it
        name = clean_name(pieces[i])
        if name and _DESCRIPTIVE.search(name) is None:
            return name
        described = described or name  # '茂名产地直发': how it comes, the goods stand before
    return described


def _pieces(text: str) -> list[str]:
    """The text split at its separators, a closed (…) group kept whole: the contents in
    '每份约8斤（白菜、土豆、番茄等）' are one remark about the pack, not five names."""
    out: list[str] = []
    start = 0
    for m in _GROUP.finditer(text):
        out += _PIECES.split(text[start : m.start()])
        out.append(m.group())
        start = m.end()
    out += _PIECES.split(text[start:])
    return [p.strip() for p in out if p and p.strip()]


def clean_name(piece: str) -> str:
    """'8斤蔬菜包' → '蔬菜包', '本楼鸡蛋团' → '鸡蛋', '【第3批保供蔬菜包】' → '蔬菜包'; else ''."""
    text = _unbracket(piece)
    text = _LEAD_LABEL.sub("", text.strip(" \t:：-—"))
    text = _TRAIL_LABEL.sub("", _TRAIL_LABEL.sub("", text)).strip()
    if _is_description(text):
        return ""
    tokens = [t for t in text.split() if t and not is_spec(t) and not _COUNT.match(t)]
    names = [(_strip_junk(_strip_specs(t)), _CAMPAIGN.search(t) is not None) for t in tokens]
    named = [n for n, campaign in names if n]
    if len(named) > 1 and names[-1][1] and names[-1][0]:
        return names[-1][0]  # '天悦府 周末丑橘团': who runs it, then the campaign of its goods
    goods = [n for n, campaign in names if n and not campaign and not SIZE.search(n)]
    return " ".join(goods or named)


def _unbracket(piece: str) -> str:
    if len(piece) >= 2 and piece[0] in "【[（(" and piece[-1] in "】]）)":
        return piece[1:-1].strip()
    return piece.strip()


def _is_description(text: str) -> bool:
    """A pack size or a make-up ('猪肉2斤+鸡蛋15枚', '约8斤'), not a name."""
    if not text or is_spec(text) or _CONTENTS.search(text):
        return True
    return ("+" in text and SPEC.search(text) is not None) or bool(re.search(r"\d\s*\S?\+", text))


def _strip_specs(token: str) -> str:
    """'75%酒精500ml' → '酒精', '8斤蔬菜包' → '蔬菜包', '蒙牛纯牛奶250ml*24盒' → '蒙牛纯牛奶'."""
    for m in reversed(list(SPEC.finditer(token))):
        at_end = m.end() == len(token)
        at_start = m.start() == 0
        if (at_end or at_start) and len(token) - (m.end() - m.start()) >= 1:
            token = token[: m.start()] + token[m.end() :]
    return re.sub(rf"^\d+(?:\.\d+)?\s*{UNIT_RE}(?=[^\W\d_]{{2}})", "", token).strip()


def _strip_junk(token: str) -> str:
    token = token.strip(_DECORATION)
    name = _LEAD_JUNK.sub("", token)
    name = _TRAIL_JUNK.sub("", name) if len(_TRAIL_JUNK.sub("", name)) >= 1 else name
    name = name.strip(" -—:：·")
    return name if re.search(r"[^\W\d_]", name) else ""


def title_product(title: str, unit: str | None) -> Product | None:
    """A product named only by the title ('团购大白菜，每户1份', '周六统一发放爱心菜')."""
    text = halfwidth(nfkc(_HEADER_TAG.sub(" ", title)))
    obj = _VERB_OBJECT.search(text)
    candidates = [obj["obj"]] if obj is not None else []
    candidates += [p.strip() for p in _PIECES.split(text) if p and p.strip()]
    for piece in candidates:
        name = clean_name(piece)
        if name and not _DESCRIPTIVE.search(name) and not _INSTRUCTION.search(name):
            return Product(name=name, unit=unit)
    return None  # '明天统一配送，写清楼号' names no goods: the organiser is asked
