"""Campaign operations shared by chat commands, the scheduler and the worker page.

Each takes the CampaignRepo and plain arguments, changes state through it (audited there)
and returns the text to show the worker; group posts go to the outbox through the repo.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from handlers import texts
from handlers.campaign.allocation import Demand, short_products
from handlers.campaign.format import order_list, summary, totals_text
from handlers.campaign.goal import progress_text, reached
from handlers.campaign.goal_ops import cancel_unreached
from handlers.campaign.post import post_to_groups, tell_household
from handlers.campaign.repo import (
    CampaignRepo,
    CampaignView,
    LineView,
    OrderFilter,
    OrderView,
)
from handlers.campaign.rules import can_decide, can_reject, match_product, qty_text, squash
from handlers.campaign.sync import sync_orders
from handlers.community.values import GroupRef
from handlers.money.ops import record_refunds
from handlers.statuses import LIVE_STATUSES

log = logging.getLogger(__name__)


def live_orders(repo: CampaignRepo, c: CampaignView) -> list[OrderView]:
    """Orders that still want goods, in number order."""
    return repo.list_orders(c.id, OrderFilter(statuses=LIVE_STATUSES))


def demands(orders: Sequence[OrderView]) -> list[Demand]:
    """Allocation demands: every line with a known product, ranked by order number."""
    return [
        Demand(ln.id, ln.product, ln.qty, o.no)
        for o in orders
        for ln in o.lines
        if ln.product is not None and ln.qty > 0
    ]


def stock_of(c: CampaignView) -> dict[str, float | None]:
    """Known stock per product name."""
    return {p.name: p.stock for p in c.products}


def close(repo: CampaignRepo, c: CampaignView, actor: str, now: datetime) -> str:
    """截单: sync the chains, close, post each group its own final list (with the total); the
    worker's reply says what happened."""
    sync_orders(repo, c.id, now)
    if c.status != "open":
        return texts.CAMPAIGN_ALREADY_CLOSED.format(title=c.title)
    if c.min_total is not None:  # 成团: a batch below its minimum does not go ahead
        every = repo.list_orders(c.id)
        if not reached(c, every):
            return cancel_unreached(repo, c, every, actor, now)
    repo.set_campaign_status(c.id, "closed", actor, now)
    orders = [o for o in live_orders(repo, c) if o.status != "late"]
    late = repo.list_orders(c.id, OrderFilter(statuses=("late",)))
    progress = "\n" + progress_text(c, orders) if c.min_total is not None else ""

    def summary_for(group: GroupRef) -> str:
        here = [o for o in orders if o.chat_id == group.chat_id]
        return (
            texts.CAMPAIGN_CLOSED_SUMMARY.format(
                title=c.title,
                count=len(orders),
                here=len(here),
                lines=order_list(here),
                totals=totals_text(orders),
            ).rstrip()
            + progress
        )

    posted = post_to_groups(repo, c, summary_for, f"cutoff:{c.id}", "cutoff", now)
    reply = [
        texts.CAMPAIGN_CLOSED_REPLY.format(
            pending=sum(o.status == "pending" for o in orders), late=len(late)
        )
        + posted.reply()
    ]
    if short := short_text(c, orders):
        reply.append(short)
    return "\n".join(reply)


def short_text(c: CampaignView, orders: Sequence[OrderView]) -> str:
    """库存不足：蔬菜套餐订58份/库存50份 … or empty."""
    wanted = demands(orders)
    short = short_products(wanted, stock_of(c))
    units = {p.name: p.unit or "" for p in c.products}
    items = [
        texts.CAMPAIGN_SHORT_ITEM.format(
            name=name,
            want=qty_text(sum(d.qty for d in wanted if d.product == name)),
            stock=qty_text(stock_of(c)[name] or 0),
            unit=units[name],
        )
        for name in short
    ]
    return texts.CAMPAIGN_SHORT.format(items="；".join(items)) if items else ""


def close_due(repo: CampaignRepo, now: datetime) -> list[int]:
    """The scheduler's cut-off job: close every open campaign past its cut-off."""
    closed = []
    for campaign_id in repo.due_campaigns("open", "cutoff_at", now):
        campaign = repo.get_campaign(campaign_id)
        if campaign is not None:
            close(repo, campaign, "scheduler", now)
            closed.append(campaign_id)
    if closed:
        log.info("closed campaigns at cut-off: %s", closed)
    return closed


def confirm(
    repo: CampaignRepo, c: CampaignView, nos: Sequence[int], actor: str, now: datetime
) -> str:
    """确认 12 [13 …]: pending or late orders become confirmed; say what changed."""
    sync_orders(repo, c.id, now)
    found = {o.no: o for o in repo.list_orders(c.id, OrderFilter(nos=tuple(nos)))}
    ok = [found[n] for n in nos if n in found and can_decide(found[n].status)]
    repo.set_order_status([o.id for o in ok], "confirmed", actor, now)
    lines = []
    for no in nos:
        order = found.get(no)
        if order is None:
            lines.append(texts.ORDER_NOT_FOUND.format(no=no))
        elif order in ok:
            lines.append(texts.CONFIRMED_ONE.format(no=no, summary=summary(order)))
        else:
            lines.append(
                texts.CONFIRM_SKIPPED.format(
                    no=no, status=texts.ORDER_STATUS.get(order.status, order.status)
                )
            )
    return "\n".join(lines)


def confirm_all(repo: CampaignRepo, c: CampaignView, actor: str, now: datetime) -> str:
    """确认全部: every pending order (late ones stay for one-by-one decisions)."""
    sync_orders(repo, c.id, now)
    pending = repo.list_orders(c.id, OrderFilter(statuses=("pending",)))
    late = repo.list_orders(c.id, OrderFilter(statuses=("late",)))
    repo.set_order_status([o.id for o in pending], "confirmed", actor, now)
    lines = [texts.CONFIRMED_ALL.format(count=len(pending)) if pending else texts.CONFIRMED_NONE]
    if late:
        lines.append(
            texts.CAMPAIGN_LATE_HINT.format(count=len(late), nos="、".join(str(o.no) for o in late))
        )
    return "\n".join(lines)


def reject(
    repo: CampaignRepo, c: CampaignView, no: int, reason: str, actor: str, now: datetime
) -> str:
    """拒绝 12 原因 in chat: the order is rejected and its household told why."""
    sync_orders(repo, c.id, now)
    order = _order(repo, c, no)
    if order is None:
        return texts.ORDER_NOT_FOUND.format(no=no)
    if not reject_orders(repo, c, [order], reason, actor, now):
        return texts.CONFIRM_SKIPPED.format(no=no, status=texts.ORDER_STATUS[order.status])
    return texts.REJECTED_ONE.format(
        no=no, summary=summary(order), reason=reason or texts.REJECT_DEFAULT_REASON
    )


def reject_orders(
    repo: CampaignRepo,
    c: CampaignView,
    orders: Sequence[OrderView],
    reason: str,
    actor: str,
    now: datetime,
) -> list[OrderView]:
    """The one rejection, from chat and from the worker page: each order that may still be
    rejected is rejected (audited by the repo) and its household told why; return those."""
    reason = reason or texts.REJECT_DEFAULT_REASON
    chosen = [o for o in orders if can_reject(o.status)]
    repo.set_order_status([o.id for o in chosen], "rejected", actor, now, reason=reason)
    for order in chosen:
        address = summary(order).split(" ")[0]
        text = texts.REJECTED_NOTICE.format(
            address=address, title=c.title, no=order.no, reason=reason
        )
        tell_household(repo, c, order, text, f"reject:{order.id}", now)
    if chosen:
        record_refunds(repo, c, actor, now)  # a household that had paid gets its money back
    return chosen


def adjust(
    repo: CampaignRepo, c: CampaignView, no: int, name: str, qty: float, actor: str, now: datetime
) -> str:
    """调整 12 蔬菜套餐 1: a worker sets a line's quantity (no limit: workers decide)."""
    order = _order(repo, c, no)
    if order is None:
        return texts.ORDER_NOT_FOUND.format(no=no)
    line = pick_line(order, name, c)
    if line is None:
        return texts.ADJUST_NO_LINE.format(no=no, name=name, choices=_choices(c))
    product = match_product(name, c.products) if name else None
    repo.set_line(
        line.id, qty, actor, now, product=product.name if product and line.product is None else None
    )
    updated = _order(repo, c, no)
    return texts.ADJUSTED.format(no=no, summary=summary(updated or order))


def pick_line(order: OrderView, name: str, c: CampaignView) -> LineView | None:
    """The order line a name means; the only line when no name is given."""
    lines = list(order.lines)
    if not name:
        return lines[0] if len(lines) == 1 else None
    key = squash(name)
    for ln in lines:
        if key and (key in squash(ln.name) or squash(ln.name) in key):
            return ln
    unknown = [ln for ln in lines if ln.product is None]
    product = match_product(name, c.products)
    return unknown[0] if product is not None and len(unknown) == 1 else None


def _choices(c: CampaignView) -> str:
    return "、".join(p.name for p in c.products)


def _order(repo: CampaignRepo, c: CampaignView, no: int) -> OrderView | None:
    found = repo.list_orders(c.id, OrderFilter(nos=(no,)))
    return found[0] if found else None
