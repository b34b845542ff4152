"""The head of a 接龙 post, read as a careful worker reads it before the list.

Where does the chain start (the tag line: `#接龙`, `【接龙】`, `#Group Note`, a title ending in
`#接龙`, a line that names 接龙 such as `水果接龙汇总`, or a title followed by a price line),
what is its title, which lines are rules and which are examples, and is it an order list at
all (a check-in or a sign-up gives no orders)?
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.jielong.normalize import halfwidth, nfkc
from handlers.jielong.quantity import NUM_RE

# A tag line: the tag and the title written after it (group "rest").
_TAGS = (
    re.compile(r"^#\s*(?:群)?接[龙龍]\s*#?\s*[:：]?\s*(?P<rest>.*)$"),
    re.compile(r"^[【\[]\s*(?:群)?接[龙龍]\s*[】\]]\s*[:：]?\s*(?P<rest>.*)$"),
    re.compile(r"^#\s*group\s*notes?\s*[:：]?\s*(?P<rest>.*)$", re.I),
    re.compile(r"^#\s*solitaire\s*[:：]?\s*(?P<rest>.*)$", re.I),
    re.compile(r"^接[龙龍](?:\s*[:：]\s*|\s+)(?P<rest>.*)$"),
    re.compile(r"^接[龙龍]$(?P<rest>)"),
    re.compile(r"^(?P<rest>.+?)\s*#\s*(?:群)?接[龙龍]\s*#?$"),
)
# A first line that names 接龙 inside a title ('水果接龙汇总', '接龙买西瓜 15元/个').
_LOOSE_TAG = re.compile(r"接[龙龍]")
_NOT_TITLE = re.compile(r"[?？]|吗|什么时候|怎么|哪里|记得|别忘|还有|谁|能不能|可以吗|请问")
MAX_TITLE_CHARS = 60
# A price with its unit ('35元/盒', '¥12/瓶', '每份58元'): the line announces a product.
UNIT_PRICE = re.compile(
    r"\d\s*(?:元|块|圆)\s*(?:/|每|一)\s*\S|[¥￥$]\s*\d+(?:\.\d+)?\s*/|每\S{1,2}\s*\d+(?:\.\d+)?\s*元"
    r"|\d\s*(?:元|块)\s*(?:[一1]\s*)?(?:份|袋|箱|瓶|盒|斤|个|包|桶|只|件)"
)
_PRICE = re.compile(r"(?:\d\s*(?:元|块(?!钱|装))|[¥￥$]\s*\d)")
# A goods quantity: counts of goods, never people (人, 口, 位) or visits.
_GOODS_QTY = re.compile(
    rf"{NUM_RE}\s*(?:份|袋|箱|瓶|盒|斤|公斤|个|包|桶|只|件|提|罐|支|把|块|根|条|颗|串|板|套|kg|KG)"
    r"(?![人口位次天])"
)
# Words of chains that are not orders: check-ins, sign-ups, headcounts, polls.
_NOT_ORDER = re.compile(
    r"报平安|平安|报名|志愿|打卡|签到|统计|人数|核酸|疫苗|接种|投票|体温|出席|健康|值班|排班|在家|"
    r"居家|返回|返乡|到岗|阳性|阴性|症状|抗原结果|人员|登记信息|摸排|排查"
)
_GOODS_WORDS = re.compile(
    r"团购|拼团|代购|预订|预定|购买|买|订购|发放|领取|配送|套餐|包|菜|米|油|蛋|奶|肉|水果"
)


@dataclass(frozen=True, slots=True)
class Tag:
    """Where a post starts: the title written on the tag line, and how sure the tag is."""

    rest: str
    strong: bool  # an explicit tag (#接龙 …); a loose one needs a list below it


def find_tag(line: str, next_line: str = "") -> Tag | None:
    """The tag of a post's first line, or None when the line does not start a 接龙."""
    norm = nfkc(line).strip()
    for pattern in _TAGS:
        m = pattern.match(norm)
        if m is not None:
            return Tag(m["rest"].strip(), strong=True)
    if len(norm) > MAX_TITLE_CHARS or _NOT_TITLE.search(norm):
        return None
    if _LOOSE_TAG.search(norm):
        return Tag(norm, strong=False)
    if has_unit_price(norm) or has_unit_price(nfkc(next_line)):
        return Tag(norm, strong=False)  # a title and its price line: a list may follow
    return None


def has_unit_price(text: str) -> bool:
    """'35元/盒', '¥12/瓶', '每份58元': a product's price with its unit."""
    return UNIT_PRICE.search(halfwidth(text)) is not None


def is_order_list(title: str, rules: list[str], examples: list[str]) -> bool:
    """The header and rules decide: a price makes an order list; otherwise a goods quantity
    in the example, or in the title and rules of a chain that is not a check-in or sign-up."""
    head = [halfwidth(nfkc(t)) for t in [title, *rules]]
    example = [halfwidth(nfkc(t)) for t in examples]
    if any(_PRICE.search(t) for t in head + example):
        return True
    not_order = any(_NOT_ORDER.search(t) for t in head)
    goods = any(_GOODS_WORDS.search(t) for t in head)
    if any(_GOODS_QTY.search(t) for t in example):
        return goods or not not_order
    if not_order:
        return False
    return any(_GOODS_QTY.search(t) for t in head)


_LIMIT = re.compile(
    rf"(?:每户|每家|每人|每个?家庭)?\s*(?:限购|限领|限订|限|最多)\s*(?P<n>{NUM_RE})\s*(?P<u>份|袋|箱|瓶|盒|斤|个|包|桶|只|件|提|罐)"
)


def household_limit(lines: list[str]) -> str | None:
    """'每户限3份' as the organiser wrote it in the rules, when there is one."""
    for line in lines:
        m = _LIMIT.search(halfwidth(nfkc(line)))
        if m is not None:
            return m.group(0).strip()
    return None
