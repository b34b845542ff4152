"""Read a worker's 开团 message in the forms people really type. Pure; never raises.

    开团：硕诚蔬菜套餐
    商品：蔬菜套餐 38元/份 每户限2份 库存50；鸡蛋 15元/盒 限1
    截单：今晚8点      到货：明天下午3点      取货：社区活动中心
    时段：30分钟 每段20户      分配：按比例      满30份成团 (issue 17: handlers.campaign.goal)

Full-width digits and colons, spaces, one line or many, 中文数字 in times all work.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, tzinfo

from handlers.campaign.goal import take_goal
from handlers.campaign.repo import AllocationRule, CampaignDraft, ProductSpec

_FIELDS = {
    "商品": "products",
    "品名": "products",
    "产品": "products",
    "物品": "products",
    "截单": "cutoff",
    "截止": "cutoff",
    "到货": "arrival",
    "送达": "arrival",
    "取货点": "point",
    "取货地点": "point",
    "自提点": "point",
    "取货": "point",
    "自提": "point",
    "地点": "point",
    "领取": "point",
    "时段": "slots",
    "分时段": "slots",
    "每段": "slots",
    "分配": "rule",
    "发到": "groups",
    "发往": "groups",
    "发给": "groups",
}
_KEYWORDS = re.compile(
    "("
    + "|".join(sorted(map(re.escape, _FIELDS), key=len, reverse=True))
    + r")\s*(?:时间|地点)?\s*[:]?"
)
_HEADER = re.compile(r"^\s*[#＃]?\s*开团\s*[:]?\s*")
_PRICE = re.compile(r"(\d+(?:\.\d+)?)\s*元\s*(?:/|每)?\s*([^\s\d,;、()\[\]限库共每]?)")
_LIMIT = re.compile(r"限购?\s*(\d+(?:\.\d+)?)")
_STOCK = re.compile(r"(?:库存|共|总量|限量|现货)\s*(\d+(?:\.\d+)?)")
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """What a 开团 message lacked, so the reply can say exactly that."""

    missing: tuple[str, ...]


def normalize(text: str) -> str:
    """NFKC (全角 digits and colons → half-width), invisible characters removed."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\u200b-\u200d\ufeff\u00a0]", " ", text)


def is_open_command(text: str) -> bool:
    """True when the message starts with 开团."""
    return bool(_HEADER.match(normalize(text)))


def parse_campaign(text: str, now: datetime, tz: tzinfo) -> CampaignDraft | ParseProblem:
    """The draft a 开团 message describes, or what is missing (title, products); times are
    read in `tz`, the community's zone."""
    goal, body = take_goal(_HEADER.sub("", normalize(text), count=1))
    title, fields = _split_fields(body)
    products = tuple(p for chunk in fields.get("products", []) for p in parse_products(chunk))
    missing = tuple(name for name, ok in (("title", title), ("products", products)) if not ok)
    if missing:
        return ParseProblem(missing)
    draft = CampaignDraft(title=title, products=products, min_total=goal)
    draft = replace(
        draft,
        cutoff_at=_first_time(fields.get("cutoff", []), now, tz, 20),
        arrival_at=_first_time(fields.get("arrival", []), now, tz, 9),
        pickup_point=" ".join(fields.get("point", [])).strip(" :,;，；。"),
        allocation_rule=_rule(" ".join(fields.get("rule", []))),
    )
    minutes, capacity = parse_slot_spec(" ".join(fields.get("slots", [])))
    return replace(
        draft,
        slot_minutes=minutes or 30,
        slot_capacity=capacity or 20,
        groups=group_names(fields.get("groups", [])),
    )


def group_names(values: list[str]) -> tuple[str, ...]:
    """发到：3号楼群、5号楼群 → ("3号楼群", "5号楼群"), in order, each once."""
    names = (n for v in values for n in re.split(r"[、,，;；/\s]+", v.strip(" :。")) if n)
    return tuple(dict.fromkeys(names))


def _split_fields(body: str) -> tuple[str, dict[str, list[str]]]:
    """The title (text before the first keyword) and every keyword's text; price lines with
    no keyword are products too."""
    fields: dict[str, list[str]] = {}
    title = ""
    for index, line in enumerate(body.splitlines()):
        marks = list(_KEYWORDS.finditer(line))
        head = line[: marks[0].start()] if marks else line
        if index == 0 or (not title and not fields):
            title = title or _clean_title(head, fields)
        elif head.strip():
            fields.setdefault("products", []).append(head)
        for mark, after in zip(marks, [*marks[1:], None], strict=False):
            value = line[mark.end() : after.start() if after else len(line)]
            fields.setdefault(_FIELDS[mark[1]], []).append(value.strip())
    return title, fields


def _clean_title(head: str, fields: dict[str, list[str]]) -> str:
    """A first line that already names a price is a product line too (开团 蔬菜套餐38元/份)."""
    head = head.strip(" :,;，；。")
    if price := _PRICE.search(head):
        cut = _name_start(head, 0, price.start())
        fields.setdefault("products", []).append(head[cut:])
        return head[:cut].strip(" :,;，；。") or re.split(r"\s*\d", head, maxsplit=1)[0].strip()
    return head


def parse_products(text: str) -> list[ProductSpec]:
    """Products in a segment: each starts at a name before a price (蔬菜套餐 38元/份 限2份)."""
    text = text.strip(" :;，；。")
    prices = list(_PRICE.finditer(text))
    if not prices:
        return [p for chunk in re.split(r"[,;，；、]", text) if (p := _unpriced(chunk))]
    out, start = [], 0
    for current, following in zip(prices, [*prices[1:], None], strict=True):
        end = _name_start(text, current.end(), following.start()) if following else len(text)
        out.append(_product(text[start : current.start()], text[current.start() : end], current))
        start = end
    return [p for p in out if p.name]


def _name_start(text: str, after: int, next_price: int) -> int:
    """Where the next product's name begins: after the last separator before its price."""
    piece = text[after:next_price].rstrip()
    cut = max(piece.rfind(sep) for sep in (" ", ",", ";", "、", "，", "；", ")", "）"))
    if cut < 0:  # 蔬菜套餐38元/份鸡蛋15元/盒: the name is the trailing non-digit run
        run = re.search(r"[^\d\s]+$", piece)
        return after + (run.start() if run else len(piece))
    return after + cut + 1


def _product(name_part: str, rest: str, price: re.Match[str]) -> ProductSpec:
    name = re.sub(r"^[\s,;、，；:]+|[\s,;、，；:(（]+$", "", name_part)
    limit = _LIMIT.search(rest)
    stock = _STOCK.search(rest)
    return ProductSpec(
        name=name,
        price=float(price[1]),
        unit=price[2] or None,
        limit=float(limit[1]) if limit else None,
        stock=float(stock[1]) if stock else None,
    )


def _unpriced(chunk: str) -> ProductSpec | None:
    match = re.match(r"\s*([^\d\s限库共]+)", chunk)
    if not match:
        return None
    limit = re.search(r"限购?\s*(\d+(?:\.\d+)?)\s*(\w)?", chunk)
    stock = _STOCK.search(chunk)
    return ProductSpec(
        name=match[1].strip(),
        unit=limit[2] if limit and limit[2] else None,
        limit=float(limit[1]) if limit else None,
        stock=float(stock[1]) if stock else None,
    )


def parse_slot_spec(text: str) -> tuple[int | None, int | None]:
    """(minutes per slot, households per slot) from 30分钟 每段20户 / 半小时15人."""
    text = cn_numbers(normalize(text))
    minutes = None
    if "半小时" in text or "半个小时" in text:
        minutes = 30
    elif m := re.search(r"(\d+)\s*分钟?", text):
        minutes = int(m[1])
    elif m := re.search(r"(\d+)\s*(?:个)?小时", text):
        minutes = 60 * int(m[1])
    cap = re.search(r"(\d+)\s*(?:户|人|家|份|单)", text)
    return minutes, int(cap[1]) if cap else None


def _rule(text: str) -> AllocationRule:
    return "proportional" if "比例" in text else "first_come"


def cn_numbers(text: str) -> str:
    """Chinese numerals up to 99 in a time or count become digits: 三点半 → 3点半, 二十 → 20."""

    def value(match: re.Match[str]) -> str:
        word = match[0]
        if "十" not in word:
            return "".join(str(_CN_DIGITS[c]) for c in word)
        tens, _, ones = word.partition("十")
        return str((_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0))

    return re.sub(
        r"[一二两三四五六七八九]?十[一二三四五六七八九]?|[零〇一二两三四五六七八九]+", value, text
    )


def _first_time(values: list[str], now: datetime, tz: tzinfo, default_hour: int) -> datetime | None:
    for value in values:
        if (at := parse_when(value, now, tz, default_hour)) is not None:
            return at
    return None


_DATE_FULL = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_DATE_SHORT = re.compile(r"(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_CLOCK = re.compile(r"(\d{1,2})\s*(?:[:点时]\s*(\d{1,2})?\s*分?|(?=\s*$))")
_RELATIVE = (
    ("大后天", 3),
    ("后天", 2),
    ("明天", 1),
    ("明日", 1),
    ("明早", 1),
    ("明晚", 1),
    ("今天", 0),
    ("今日", 0),
    ("今晚", 0),
    ("今早", 0),
)
_AFTERNOON = ("下午", "晚上", "傍晚", "晚", "夜里")


def parse_when(text: str, now: datetime, tz: tzinfo, default_hour: int = 9) -> datetime | None:
    """A time as people write it (明天下午3点, 4月12日20:00, 今晚八点半), read in `tz`."""
    text = cn_numbers(normalize(text)).strip()
    today = now.astimezone(tz).date()
    day: date | None = today
    rest, explicit = text, False
    if m := _DATE_FULL.search(text):
        day, rest, explicit = _safe_date(int(m[1]), int(m[2]), int(m[3])), text[m.end() :], True
    elif m := _DATE_SHORT.search(text):
        day, rest, explicit = _safe_date(today.year, int(m[1]), int(m[2])), text[m.end() :], True
    else:
        for word, days in _RELATIVE:
            if word in text:
                day, explicit = today + timedelta(days=days), True
                break
    if day is None:
        return None
    clock = _clock(rest, text)
    if clock is None and not explicit:
        return None
    hour, minute = clock or (default_hour, 0)
    at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
    return at + timedelta(days=1) if not explicit and at <= now else at


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _clock(rest: str, whole: str) -> tuple[int, int] | None:
    m = _CLOCK.search(rest)
    if not m:
        return None
    hour, minute = int(m[1]), int(m[2]) if m[2] else 0
    if "半" in rest[m.start() : m.end() + 2] and not m[2]:
        minute = 30
    if (any(word in whole for word in _AFTERNOON) and hour < 12) or ("中午" in whole and hour < 11):
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return hour, minute
