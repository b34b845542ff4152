"""After 截单: allocation of short stock, 到货 with pickup slots and codes, 核销, and the lists
workers need at the pickup table (未取, 送货上门). Shared by chat, scheduler and page."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime, tzinfo

from handlers import texts
from handlers.campaign.allocation import allocate as share
from handlers.campaign.format import address, clock, items_text, slot_table, slot_text, summary
from handlers.campaign.ops import close, demands, live_orders, stock_of
from handlers.campaign.post import Posted, post_to_groups, tell_household
from handlers.campaign.ready_texts import arrival_notice
from handlers.campaign.repo import (
    AllocationRule,
    CampaignRepo,
    CampaignView,
    OrderFilter,
    OrderView,
)
from handlers.campaign.rules import is_vulnerable, mask_phone, qty_text
from handlers.campaign.slots import Pickup, assign_slots, pickup_codes
from handlers.money.ops import record_refunds
from handlers.statuses import OPEN_STATUSES, OrderStatus

FIXED: tuple[OrderStatus, ...] = ("ready", "picked_up")  # goods set aside: the slot stays


def allocate(
    repo: CampaignRepo, c: CampaignView, rule: AllocationRule, actor: str, now: datetime
) -> str:
    """分配: share short stock among confirmed orders; tell each household that gets less."""
    orders = repo.list_orders(c.id, OrderFilter(statuses=("confirmed",)))
    fixed = repo.list_orders(c.id, OrderFilter(statuses=FIXED))
    stock = stock_of(c)
    for o in fixed:  # what was already handed out or packed stays theirs
        for ln in o.lines:
            if ln.product is not None and stock.get(ln.product) is not None:
                stock[ln.product] = (stock[ln.product] or 0.0) - ln.final_qty
    result = share(demands(orders), stock, rule)
    repo.save_allocation(c.id, result, rule, actor, now)
    affected = _tell_shortfalls(repo, c, orders, result, rule, now)
    record_refunds(repo, c, actor, now)  # paid for more than they get: a refund line each
    if not affected:
        return texts.ALLOCATED_ENOUGH
    items = "、".join(
        texts.ALLOCATION_ITEM.format(
            name=p.name, stock=qty_text(stock[p.name] or 0), unit=p.unit or "", households=count
        )
        for p in c.products
        if (count := _households(orders, p.name)) and p.name in affected
    )
    return texts.ALLOCATED.format(
        rule=texts.ALLOCATION_RULES[rule], items=items, count=sum(affected.values())
    )


def _households(orders: Sequence[OrderView], product: str) -> int:
    return sum(any(ln.product == product for ln in o.lines) for o in orders)


def _tell_shortfalls(
    repo: CampaignRepo,
    c: CampaignView,
    orders: Sequence[OrderView],
    result: dict[int, float],
    rule: AllocationRule,
    now: datetime,
) -> dict[str, int]:
    """One notice per short line; returns affected household counts per product."""
    affected: dict[str, int] = {}
    for o in orders:
        for ln in o.lines:
            got = result.get(ln.id)
            if got is None or got >= ln.qty or ln.product is None:
                continue
            affected[ln.product] = affected.get(ln.product, 0) + 1
            tell_household(
                repo,
                c,
                o,
                texts.ALLOCATION_NOTICE.format(
                    address=address(o.household),
                    title=c.title,
                    name=ln.name,
                    rule=texts.ALLOCATION_RULES[rule],
                    got=qty_text(got),
                    want=qty_text(ln.qty),
                    unit=ln.unit or "",
                ),
                f"alloc:{ln.id}:{qty_text(got)}",
                now,
            )
    return affected


def arrive(
    repo: CampaignRepo,
    c: CampaignView,
    actor: str,
    now: datetime,
    tz: tzinfo,
    arrival_at: datetime | None = None,
) -> str:
    """到货: close if still open, allocate, give confirmed orders slots and codes, post the
    group notice with the slot table. Rerunning adds newly confirmed orders only."""
    if c.status == "open":
        closed = close(repo, c, actor, now)
        if (fresh := repo.get_campaign(c.id)) is not None and fresh.status == "cancelled":
            return closed  # 未成团: nothing arrives
    when = arrival_at or (c.arrival_at if c.arrival_at and c.arrival_at > now else now)
    repo.set_arrival(c.id, when, actor, now)
    confirmed = repo.list_orders(c.id, OrderFilter(statuses=("confirmed",)))
    if not confirmed:
        return texts.ARRIVAL_NOTHING
    allocate(repo, c, c.allocation_rule, actor, now)
    confirmed = repo.list_orders(c.id, OrderFilter(statuses=("confirmed",)))
    empty = [o for o in confirmed if o.lines and all(ln.final_qty <= 0 for ln in o.lines)]
    repo.set_order_status([o.id for o in empty], "rejected", actor, now, reason="库存不足")
    going = [o for o in confirmed if o not in empty]
    delivery = [o for o in going if o.household and is_vulnerable(o.household.flags)]
    plan = assign_slots(
        [
            Pickup(o.id, o.household.building if o.household else None)
            for o in going
            if o not in delivery
        ],
        repo.list_slots(c.id),
        when,
        c.slot_minutes,
        c.slot_capacity,
    )
    taken = [o.pickup_code for o in live_orders(repo, c) if o.pickup_code]
    codes = pickup_codes(c.id, [o.id for o in going], taken)
    slots = repo.save_slots(c.id, plan.new_slots, plan.assignment, codes, actor, now)
    if c.status != "arrived":
        repo.set_campaign_status(c.id, "arrived", actor, now)
    record_refunds(repo, c, actor, now)  # orders rejected for want of stock
    text = arrival_notice(c, when, slots, len(delivery), now, tz)
    posted = post_to_groups(repo, c, text, f"arrival:{c.id}", "arrival", now)
    return _arrival_reply(repo, c, len(going) - len(delivery), len(delivery), posted, tz)


def _arrival_reply(
    repo: CampaignRepo, c: CampaignView, count: int, delivery: int, posted: Posted, tz: tzinfo
) -> str:
    used = [s for s in repo.list_slots(c.id) if s.count]
    lines = [
        texts.ARRIVAL_REPLY.format(
            count=count, slots=len(used), capacity=c.slot_capacity, delivery=delivery
        )
        + posted.reply(),
        slot_table(used, tz),
    ]
    pending = repo.list_orders(c.id, OrderFilter(statuses=OPEN_STATUSES))
    if pending:
        lines.append(texts.ARRIVAL_PENDING_HINT.format(count=len(pending)))
    return "\n".join(lines)


def find_for_pickup(repo: CampaignRepo, c: CampaignView, query: str) -> list[OrderView]:
    """Orders a pickup query names: a 4-digit code first, else a household address."""
    q = unicodedata.normalize("NFKC", query).strip()
    orders = repo.list_orders(c.id)
    if re.fullmatch(r"\d{4}", q):
        by_code = [o for o in orders if o.pickup_code == q]
        if by_code:
            return by_code
    parts = address_parts(q)
    if parts is None:
        return []
    b, u, r = parts
    return [
        o
        for o in orders
        if o.household
        and o.household.room == r
        and (b is None or o.household.building == b)
        and (u is None or o.household.unit in (u, None))
    ]


def address_parts(text: str) -> tuple[str | None, str | None, str] | None:
    """3-2-201 / 3号楼2单元201 / 3栋201 / 5#1102 → (building, unit, room)."""
    text = re.sub(r"号楼|栋|幢|座|#|单元|门|-|－|—|\s+", "-", text)
    parts = [p for p in re.split(r"-+", text.replace("室", "").replace("号", "")) if p]
    if not parts or not all(re.fullmatch(r"[0-9A-Za-z]{1,5}", p) for p in parts):
        return None
    if len(parts) == 3:
        return parts[0].upper(), parts[1], parts[2]
    if len(parts) == 2:
        return parts[0].upper(), None, parts[1]
    return (None, None, parts[0]) if len(parts) == 1 else None


def pickup(
    repo: CampaignRepo, c: CampaignView, query: str, actor: str, now: datetime, tz: tzinfo
) -> str:
    """取货 3-2-201 / 取货 4821: verify (核销) every ready order of that household; never twice."""
    found = find_for_pickup(repo, c, query)
    ready = [o for o in found if o.status == "ready"]
    if ready:
        lines = []
        for o in ready:
            repo.mark_picked_up(o.id, actor, now)
            lines.append(
                texts.PICKED_UP.format(
                    no=o.no, summary=summary(o, final=True), code=o.pickup_code or ""
                )
            )
        return "\n".join(lines)
    done = [o for o in found if o.status == "picked_up" and o.picked_up_at]
    if done:
        first = done[0]
        assert first.picked_up_at is not None
        return texts.PICKUP_TWICE.format(no=first.no, time=clock(first.picked_up_at, tz))
    waiting = [o for o in found if o.status in ("pending", "late", "confirmed")]
    if waiting:
        return texts.PICKUP_NOT_READY.format(
            no=waiting[0].no, status=texts.ORDER_STATUS[waiting[0].status]
        )
    return texts.PICKUP_NOT_FOUND.format(query=query)


def not_picked(repo: CampaignRepo, c: CampaignView, now: datetime, tz: tzinfo) -> str:
    """未取: households with goods waiting (after the last slot this is the follow-up list)."""
    ready = repo.list_orders(c.id, OrderFilter(statuses=("ready",)))
    if not ready:
        return texts.NOT_PICKED_NONE
    lines = [texts.NOT_PICKED_HEADER.format(count=len(ready))]
    lines += [
        texts.NOT_PICKED_LINE.format(
            no=o.no,
            address=address(o.household),
            name=(o.household.name if o.household else "") or "",
            slot=slot_text(o, tz),
            phone=mask_phone(o.household.phone if o.household else None),
        ).rstrip()
        for o in ready
    ]
    ends = [s.end_at for s in repo.list_slots(c.id) if s.count]
    if ends and max(ends) > now:
        lines.append(texts.NOT_PICKED_EARLY.format(end=clock(max(ends), tz)))
    return "\n".join(lines)


def delivery_orders(repo: CampaignRepo, c: CampaignView) -> list[OrderView]:
    """Orders of vulnerable households (独居老人, 行动不便, 居家隔离) to bring to the door."""
    return [
        o
        for o in repo.list_orders(c.id, OrderFilter(statuses=("confirmed", *FIXED)))
        if o.household and is_vulnerable(o.household.flags)
    ]


def delivery_list(repo: CampaignRepo, c: CampaignView) -> str:
    """送货名单: address, name, flags, items, masked phone, status."""
    orders = delivery_orders(repo, c)
    if not orders:
        return texts.DELIVERY_NONE
    lines = [texts.DELIVERY_HEADER.format(count=len(orders))]
    for o in orders:
        h = o.household
        assert h is not None
        lines.append(
            texts.DELIVERY_LINE.format(
                no=o.no,
                address=h.label(),
                name=h.name or "",
                flags="、".join(h.flags),
                items=items_text(o.lines, final=True),
                phone=mask_phone(h.phone),
                status=texts.ORDER_STATUS.get(o.status, o.status),
            )
        )
    return "\n".join(lines)
