"""What residents do within a campaign: their orders (for 查询), 取消 and 修改 before 截单, and
the short notes they get when a 接龙 line of theirs needs attention (limit, unknown product,
late, no address)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from handlers import texts
from handlers.campaign.commands import CampaignCommand
from handlers.campaign.format import address, items_text, slot_text, status_text, summary
from handlers.campaign.ops import pick_line
from handlers.campaign.repo import FLAG_NO_ADDRESS, CampaignView, OrderView
from handlers.campaign.rules import match_product, qty_text, within_limit
from handlers.campaign.sync import sync_orders
from handlers.context import Context
from handlers.jielong.doubts import seq_ranges
from handlers.statuses import LIVE_STATUSES, RESIDENT_CHANGEABLE_STATUSES
from handlers.types import Action, Incoming, Reply


def has_orders(msg: Incoming, ctx: Context) -> bool:
    """True when the sender has orders in the chat's current campaign: only then do 取消 / 修改
    (and 查询's order forms) speak about a campaign."""
    c = ctx.campaigns.current_campaign(msg.chat_id, msg.channel, msg.sender_id)
    return c is not None and bool(ctx.campaigns.orders_of_sender(c.id, msg.channel, msg.sender_id))


def my_orders_text(msg: Incoming, ctx: Context) -> str | None:
    """The sender's orders in the current campaign, freshly synced (查询); None without any."""
    c = ctx.campaigns.current_campaign(msg.chat_id, msg.channel, msg.sender_id)
    if c is None or not ctx.campaigns.orders_of_sender(c.id, msg.channel, msg.sender_id):
        return None
    sync_orders(ctx.campaigns, c.id, ctx.now())
    return _my_orders(c, ctx.campaigns.orders_of_sender(c.id, msg.channel, msg.sender_id), ctx.tz)


def handle_resident(msg: Incoming, cmd: CampaignCommand, ctx: Context) -> list[Action]:
    """Run 取消 / 修改 for the sender's orders in the current campaign."""
    c = ctx.campaigns.current_campaign(msg.chat_id, msg.channel, msg.sender_id)
    if c is None:
        return [Reply(texts.CAMPAIGN_NONE)]
    sync_orders(ctx.campaigns, c.id, ctx.now())
    mine = ctx.campaigns.orders_of_sender(c.id, msg.channel, msg.sender_id)
    if c.status != "open" or (c.cutoff_at is not None and ctx.now() > c.cutoff_at):
        return [Reply(texts.MY_CANCEL_LATE.format(title=c.title))]
    undecided = [o for o in mine if o.status in RESIDENT_CHANGEABLE_STATUSES]
    if cmd.nos:
        undecided = [o for o in undecided if o.no in cmd.nos]
    if len(undecided) != 1:
        return [Reply(_which(undecided or mine, cmd))]
    if cmd.word == "cancel":
        return [Reply(_cancel(msg, c, undecided[0], ctx))]
    return [Reply(_modify(msg, c, undecided[0], cmd, mine, ctx))]


def _my_orders(c: CampaignView, mine: list[OrderView], tz: tzinfo) -> str:
    if not mine:
        return texts.MY_ORDERS_NONE.format(title=c.title)
    lines = [texts.MY_ORDERS_HEADER.format(title=c.title)]
    for o in mine:
        line = texts.MY_ORDER_LINE.format(
            no=o.no, items=items_text(o.lines, final=True), status=status_text(o)
        )
        if o.pickup_code:
            line += texts.MY_ORDER_SLOT.format(
                slot=slot_text(o, tz) or "—", point=c.pickup_point, code=o.pickup_code
            )
        lines.append(line)
    return "\n".join(lines)


def _which(orders: list[OrderView], cmd: CampaignCommand) -> str:
    if not orders:
        return texts.MY_MODIFY_USAGE
    example = f"{cmd.name or ''}{qty_text(cmd.qty) if cmd.qty else ''}".strip() or ""
    return texts.MY_MODIFY_WHICH.format(
        nos="、".join(str(o.no) for o in orders), no=orders[0].no, example=example
    ).rstrip()


def _cancel(msg: Incoming, c: CampaignView, order: OrderView, ctx: Context) -> str:
    ctx.campaigns.set_order_status([order.id], "cancelled", msg.sender_id, ctx.now())
    if order.entry_id is not None and order.sender_id == msg.sender_id:
        ctx.chains.withdraw([order.entry_id], ctx.now())  # the 接龙 line goes too
    return texts.MY_CANCELLED.format(no=order.no, summary=summary(order))


def _modify(
    msg: Incoming,
    c: CampaignView,
    order: OrderView,
    cmd: CampaignCommand,
    mine: list[OrderView],
    ctx: Context,
) -> str:
    line = pick_line(order, cmd.name, c)
    if line is None:
        return texts.ADJUST_NO_LINE.format(
            no=order.no, name=cmd.name or "?", choices="、".join(p.name for p in c.products)
        )
    product = match_product(cmd.name, c.products) if cmd.name else None
    product = product or next((p for p in c.products if p.name == line.product), None)
    want = cmd.qty or 0.0
    used = sum(
        ln.qty
        for o in mine
        if o.id != order.id and o.status in LIVE_STATUSES
        for ln in o.lines
        if product and ln.product == product.name
    )
    kept = within_limit(want, product.limit if product else None, used)
    ctx.campaigns.set_line(
        line.id,
        kept,
        msg.sender_id,
        ctx.now(),
        product=product.name if product and line.product is None else None,
    )
    updated = ctx.campaigns.list_orders(c.id)
    fresh = next((o for o in updated if o.id == order.id), order)
    reply = texts.MY_MODIFIED.format(no=order.no, summary=summary(fresh))
    if product and kept < want:
        reply += "\n" + _limit_note(fresh, product.name, product.limit, kept, product.unit)
    return reply


def _limit_note(o: OrderView, name: str, limit: float | None, kept: float, unit: str | None) -> str:
    return texts.LIMIT_CAPPED.format(
        address=address(o.household),
        name=name,
        limit=qty_text(limit or 0),
        kept=qty_text(kept),
        unit=unit or "",
    )


MAX_DETAILED = 5  # more orders needing attention than this get one summary, by reason


def orders_notes(c: CampaignView, orders: Sequence[OrderView]) -> list[str]:
    """Notes about new orders: each one's own words for a couple of orders; for a paste of
    hundreds, one line per reason with the order numbers in ranges (never one per order)."""
    noted = [o for o in orders if sync_notes(c, o)]
    if len(noted) <= MAX_DETAILED:
        return [note for o in noted for note in sync_notes(c, o)]
    by_reason = [
        (texts.NOTES_LATE, [o.no for o in noted if o.status == "late"]),
        (texts.NOTES_LIMIT, [o.no for o in noted if _capped(c, o)]),
        (texts.NOTES_UNKNOWN, [o.no for o in noted if any(ln.product is None for ln in o.lines)]),
        (texts.NOTES_NO_ADDRESS, [o.no for o in noted if FLAG_NO_ADDRESS in o.flags]),
    ]
    choices = "、".join(p.name for p in c.products)
    parts = [
        template.format(nos=seq_ranges(nos), count=len(nos), choices=choices)
        for template, nos in by_reason
        if nos
    ]
    return [texts.NOTES_SUMMARY.format(title=c.title, parts="；".join(parts))]


def _capped(c: CampaignView, o: OrderView) -> bool:
    names = {p.name for p in c.products}
    return any(ln.product in names and ln.qty < ln.requested_qty for ln in o.lines)


def sync_notes(c: CampaignView, o: OrderView) -> list[str]:
    """Short notes about a new order that needs the resident's eye."""
    notes = []
    if o.status == "late":
        notes.append(texts.LATE_ORDER.format(title=c.title, address=address(o.household), no=o.no))
    limits = {p.name: p for p in c.products}
    for ln in o.lines:
        spec = limits.get(ln.product or "")
        if spec is not None and ln.qty < ln.requested_qty:
            notes.append(_limit_note(o, spec.name, spec.limit, ln.qty, spec.unit))
        if ln.product is None:
            notes.append(
                texts.UNKNOWN_PRODUCT.format(
                    no=o.no, name=ln.name, choices="、".join(p.name for p in c.products)
                )
            )
    if FLAG_NO_ADDRESS in o.flags:
        notes.append(texts.NO_ADDRESS.format(no=o.no))
    return notes
