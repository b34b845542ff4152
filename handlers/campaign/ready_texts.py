"""Ready-made texts a 团长 posts (issue 17): the 开团 announcement with the blank 接龙, the 截单
reminder, the arrival notice, the "did not reach 成团" notice and the unpaid reminder. Pure.

Linli posts them itself where it can (scheduler, chat commands); the worker page shows the
same texts with a copy button for a group Linli cannot post to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from handlers import texts
from handlers.campaign.format import (
    address,
    products_text,
    slot_table,
    spoken_time,
    template_text,
    when_text,
)
from handlers.campaign.goal import goal_line, progress_text
from handlers.campaign.repo import CampaignView, OrderView, SlotView
from handlers.campaign.rules import is_vulnerable
from handlers.money.balance import OrderMoney, unpaid, yuan
from handlers.statuses import SHIPPED_STATUSES


@dataclass(frozen=True, slots=True)
class ReadyText:
    """One text with its key (`open`, `cutoff`, …) and the label the page shows."""

    key: str
    label: str
    text: str


def announcement(c: CampaignView, tz: tzinfo) -> str:
    """开团 announcement followed by the blank 接龙 to copy."""
    goal = goal_line(c)
    head = texts.READY_OPEN.format(
        title=c.title,
        products=products_text(c.products),
        goal=f"\n{goal}" if goal else "",
        cutoff=when_text(c.cutoff_at, tz),
        arrival=when_text(c.arrival_at, tz),
        point=c.pickup_point or texts.CAMPAIGN_UNSET,
    )
    return f"{head}\n\n{template_text(c, tz)}"


def cutoff_reminder(c: CampaignView, orders: Sequence[OrderView], tz: tzinfo) -> str:
    """截单提醒 with how far the 接龙 has got (已接龙 23 份，还差 7 份成团)."""
    return texts.CUTOFF_REMINDER.format(
        title=c.title, cutoff=when_text(c.cutoff_at, tz), progress=progress_text(c, orders)
    )


def arrival_notice(
    c: CampaignView,
    when: datetime,
    slots: Sequence[SlotView],
    delivery: int,
    now: datetime,
    tz: tzinfo,
) -> str:
    """到货通知 with the slot table, the door-delivery line and the pickup-code hint."""
    notice = [
        texts.ARRIVAL_NOTICE.format(
            title=c.title,
            time=spoken_time(when, now, tz),
            point=c.pickup_point or texts.CAMPAIGN_UNSET,
        ),
        slot_table(slots, tz),
    ]
    if delivery:
        notice.append(texts.ARRIVAL_DELIVERY_LINE.format(count=delivery))
    notice.append(texts.ARRIVAL_CODE_HINT)
    return "\n".join(n for n in notice if n)


def not_reached_notice(c: CampaignView, orders: Sequence[OrderView]) -> str:
    """未成团: the batch is cancelled, paid money goes back."""
    return texts.NOT_REACHED_NOTICE.format(title=c.title, progress=progress_text(c, orders))


def unpaid_reminder(c: CampaignView, monies: Sequence[OrderMoney]) -> str:
    """催款: every household with money still to pay, with the amount."""
    due = unpaid(monies)
    if not due:
        return texts.UNPAID_NONE.format(title=c.title)
    return texts.UNPAID_REMINDER.format(title=c.title, lines=unpaid_lines(due))


def unpaid_lines(due: Sequence[OrderMoney]) -> str:
    """3-2-201 张秀英 76 元 (one line per order)."""
    return "\n".join(
        texts.UNPAID_LINE.format(
            address=address(m.order.household),
            name=_name(m.order),
            amount=yuan(m.outstanding),
        )
        for m in due
    )


def _name(o: OrderView) -> str:
    name = o.household.name if o.household and o.household.name else ""
    return f"{name} " if name else ""


def delivery_count(orders: Sequence[OrderView]) -> int:
    """Orders going to the door (vulnerable households) among those confirmed or ready."""
    return sum(
        1
        for o in orders
        if o.status in SHIPPED_STATUSES and o.household and is_vulnerable(o.household.flags)
    )


def ready_texts(
    c: CampaignView,
    orders: Sequence[OrderView],
    monies: Sequence[OrderMoney],
    slots: Sequence[SlotView],
    now: datetime,
    tz: tzinfo,
) -> list[ReadyText]:
    """The five texts for the worker page, in the order a batch needs them."""
    when = c.arrival_at or now
    found = {
        "open": announcement(c, tz),
        "cutoff": cutoff_reminder(c, orders, tz),
        "arrival": arrival_notice(c, when, slots, delivery_count(orders), now, tz),
        "not_reached": not_reached_notice(c, orders),
        "unpaid": unpaid_reminder(c, monies),
    }
    if c.min_total is None:
        del found["not_reached"]
    return [ReadyText(key, texts.READY_LABELS[key], text) for key, text in found.items()]
