"""How campaigns, orders and slots read in chat: short lines in the community's zone. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo

from handlers import texts
from handlers.campaign.goal import goal_line
from handlers.campaign.repo import CampaignView, LineView, OrderView, ProductSpec, SlotView
from handlers.campaign.rules import qty_text
from handlers.household.repo import Household


def when_text(at: datetime | None, tz: tzinfo) -> str:
    """4月12日 20:00 in `tz`, or 待定."""
    return texts.CAMPAIGN_UNSET if at is None else f"{at.astimezone(tz):%-m月%-d日 %H:%M}"


def clock(at: datetime, tz: tzinfo) -> str:
    """15:30 in `tz`."""
    return f"{at.astimezone(tz):%H:%M}"


def spoken_time(at: datetime, now: datetime, tz: tzinfo) -> str:
    """今天下午3点 / 明天上午9点半 / 4月15日下午3点 — as the group notice says it, in `tz`."""
    at, today = at.astimezone(tz), now.astimezone(tz).date()
    days = (at.date() - today).days
    words = texts.ARRIVAL_TIME_WORDS
    day = words[days] if 0 <= days < len(words) else f"{at:%-m月%-d日}"
    period = "上午" if at.hour < 12 else "下午" if at.hour < 18 else "晚上"
    hour = at.hour if at.hour <= 12 else at.hour - 12
    minute = "" if at.minute == 0 else "半" if at.minute == 30 else f"{at.minute:02d}分"
    return f"{day}{period}{hour}点{minute}"


def product_line(p: ProductSpec) -> str:
    """· 蔬菜套餐 38元/份，每户限2份，共50份"""
    unit = p.unit or ""
    price = (
        ""
        if p.price is None
        else texts.CAMPAIGN_PRICE.format(price=qty_text(p.price), unit=unit or "份")
    )
    limit = "" if p.limit is None else texts.CAMPAIGN_LIMIT.format(qty=qty_text(p.limit), unit=unit)
    stock = "" if p.stock is None else texts.CAMPAIGN_STOCK.format(qty=qty_text(p.stock), unit=unit)
    return texts.CAMPAIGN_PRODUCT_LINE.format(name=p.name, price=price, limit=limit, stock=stock)


def products_text(products: Sequence[ProductSpec]) -> str:
    """One line per product."""
    return "\n".join(product_line(p) for p in products)


def template_text(c: CampaignView, tz: tzinfo) -> str:
    """The 接龙 template posted to the group at 开团 (with 满30份成团 when there is a minimum)."""
    first = c.products[0]
    goal = goal_line(c)
    example = (
        f"{first.name}1{first.unit or '份'}" if len(c.products) > 1 else f"1{first.unit or '份'}"
    )
    return texts.CAMPAIGN_TEMPLATE.format(
        title=c.title,
        products=products_text(c.products) + (f"\n{goal}" if goal else ""),
        cutoff=when_text(c.cutoff_at, tz),
        arrival=when_text(c.arrival_at, tz),
        point=c.pickup_point or texts.CAMPAIGN_UNSET,
        example=example,
    )


def address(h: Household | None) -> str:
    """3-2-201, or ? when unknown."""
    return "?" if h is None else h.label()


def items_text(lines: Iterable[LineView], final: bool = False) -> str:
    """蔬菜套餐×2份、鸡蛋×1盒"""
    parts = [
        texts.ORDER_ITEM.format(
            name=ln.name, qty=qty_text(ln.final_qty if final else ln.qty), unit=ln.unit or ""
        )
        for ln in lines
    ]
    return "、".join(parts) or texts.ORDER_NO_ITEMS


def summary(o: OrderView, final: bool = False) -> str:
    """3-2-201 王 蔬菜套餐×2份"""
    name = o.household.name if o.household and o.household.name else ""
    return texts.ORDER_SUMMARY.format(
        address=address(o.household),
        name=f"{name} " if name else "",
        items=items_text(o.lines, final),
    )


def order_list(orders: Sequence[OrderView]) -> str:
    """1. 3-2-201 王 蔬菜套餐×2份 (one per line)."""
    return "\n".join(texts.ORDER_LINE.format(no=o.no, summary=summary(o)) for o in orders)


def totals(orders: Sequence[OrderView], final: bool = False) -> dict[tuple[str, str], float]:
    """Quantity per (product, unit) over these orders."""
    out: dict[tuple[str, str], float] = {}
    for o in orders:
        for ln in o.lines:
            key = (ln.name, ln.unit or "")
            out[key] = out.get(key, 0.0) + (ln.final_qty if final else ln.qty)
    return out


def totals_text(orders: Sequence[OrderView], final: bool = False) -> str:
    """蔬菜套餐 58份、鸡蛋 20盒"""
    return (
        "、".join(
            f"{name} {qty_text(q)}{unit}" for (name, unit), q in totals(orders, final).items()
        )
        or "0"
    )


def status_text(o: OrderView) -> str:
    """待确认 / 已确认 / … (a rejection shows its reason)."""
    label = texts.ORDER_STATUS.get(o.status, o.status)
    return f"{label}（{o.reason}）" if o.status == "rejected" and o.reason else label


def slot_table(slots: Sequence[SlotView], tz: tzinfo) -> str:
    """15:00–15:30　3号楼、5号楼 (one line per slot with households)."""
    lines = []
    for s in slots:
        if s.count == 0:
            continue
        names = "、".join(s.buildings)
        buildings = texts.ARRIVAL_BUILDINGS.format(names=names) if names else ""
        lines.append(
            texts.ARRIVAL_SLOT_TABLE_LINE.format(
                start=clock(s.start_at, tz), end=clock(s.end_at, tz), buildings=buildings
            ).rstrip()
        )
    return "\n".join(lines)


def slot_text(o: OrderView, tz: tzinfo) -> str:
    """4月13日 15:00–15:30"""
    if o.slot_start_at is None or o.slot_end_at is None:
        return ""
    return f"{when_text(o.slot_start_at, tz)}–{clock(o.slot_end_at, tz)}"
