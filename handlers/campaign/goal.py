"""成团: a batch's minimum (满30份发车) as 开团 writes it, and how far the 接龙 has got. Pure.

The count is the quantity ordered, over the orders that still want goods, of the products
sold in the goal's unit (the first product's): `已接龙 23 份，还差 7 份成团`; eggs by the 盒
do not count towards 30 份 of vegetables.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from handlers import texts
from handlers.campaign.repo import CampaignView, OrderView
from handlers.campaign.rules import qty_text
from handlers.statuses import LIVE_STATUSES

_UNITS = r"(?:份|单|件|箱|袋|盒|斤|个|瓶|桶|人|户|组|套)"
_GOAL_FORMS = (
    # 满30份成团 / 满30份发车 / 满30单起送
    re.compile(rf"满\s*(\d{{1,5}})\s*{_UNITS}?\s*(?:即可|就)?\s*(?:成团|发车|开团|起送|发货)"),
    # 成团：30份 / 最低30份 / 起订30份 / 至少30份成团
    re.compile(
        rf"(?:成团|起订|最低|至少)\s*(?:数量|份数|人数)?\s*[:：]?\s*(\d{{1,5}})\s*{_UNITS}?"
        r"\s*(?:成团|起订|发车)?"
    ),
    # 30份起订 / 30份成团
    re.compile(rf"(\d{{1,5}})\s*{_UNITS}\s*(?:起订|起团|起送|成团)"),
)


def take_goal(text: str) -> tuple[float | None, str]:
    """The minimum a 开团 message names, and the message without it (so the phrase is not
    read as a product). (None, text) when there is none."""
    for form in _GOAL_FORMS:
        m = form.search(text)
        if m is not None and int(m[1]) > 0:
            return float(m[1]), text[: m.start()] + text[m.end() :]
    return None, text


def goal_unit(c: CampaignView) -> str:
    """The unit the goal counts in: the first product's, else 份."""
    return (c.products[0].unit if c.products else None) or "份"


def goal_count(c: CampaignView, orders: Sequence[OrderView]) -> float:
    """Quantity of the goal's products over the orders that still want goods."""
    unit = goal_unit(c)
    counted = {p.name for p in c.products if (p.unit or "份") == unit}
    return sum(
        ln.qty
        for o in orders
        if o.status in LIVE_STATUSES
        for ln in o.lines
        if ln.product in counted
    )


def reached(c: CampaignView, orders: Sequence[OrderView]) -> bool:
    """No minimum, or the minimum is met."""
    return c.min_total is None or goal_count(c, orders) >= c.min_total


def goal_line(c: CampaignView) -> str:
    """满30份成团, or empty without a minimum."""
    if c.min_total is None:
        return ""
    return texts.GOAL_LINE.format(min=qty_text(c.min_total), unit=goal_unit(c))


def progress_text(c: CampaignView, orders: Sequence[OrderView]) -> str:
    """已接龙 23 份，还差 7 份成团 / 已接龙 30 份，已成团 / 已接龙 12 份 (no minimum)."""
    count, unit = goal_count(c, orders), goal_unit(c)
    if c.min_total is None:
        return texts.GOAL_COUNT.format(count=qty_text(count), unit=unit)
    if count >= c.min_total:
        return texts.GOAL_REACHED_PROGRESS.format(count=qty_text(count), unit=unit)
    missing = qty_text(c.min_total - count)
    return texts.GOAL_PROGRESS.format(count=qty_text(count), missing=missing, unit=unit)
