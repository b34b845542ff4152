"""Money operations shared by chat commands, the worker page and the scheduler (issue 17).

Each takes the CampaignRepo and plain arguments, decides with `handlers.money.balance` and writes
through the repo (which audits every row); it returns the text to show the worker.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from handlers import texts
from handlers.campaign.format import address
from handlers.campaign.post import post_to_groups, tell_household
from handlers.campaign.ready_texts import unpaid_lines, unpaid_reminder
from handlers.campaign.repo import CampaignRepo, CampaignView, OrderView
from handlers.campaign.rules import qty_text
from handlers.money.balance import (
    OrderMoney,
    order_money,
    payment_drafts,
    refund_drafts,
    split_amount,
    summarize,
    unpaid,
    yuan,
)
from handlers.money.payment_parse import PayTarget, address_text, orders_at
from handlers.money.repo import PaymentDraft, PaymentView
from handlers.statuses import LIVE_STATUSES

log = logging.getLogger(__name__)


def money_of(repo: CampaignRepo, c: CampaignView) -> list[OrderMoney]:
    """Every order's money, in number order."""
    return order_money(c, repo.list_orders(c.id), repo.list_payments(c.id))


def target_label(target: PayTarget) -> str:
    """12、15 号 / 3-2-201 — how the reply names what the worker typed."""
    if target.nos:
        return "、".join(str(n) for n in target.nos) + " 号"
    return address_text(target.address) if target.address else "?"


def chosen(monies: Sequence[OrderMoney], target: PayTarget) -> list[OrderMoney]:
    """The orders a target names, in number order."""
    if target.nos:
        return [m for m in monies if m.order.no in target.nos]
    if target.address is None:
        return []
    ids = {o.id for o in orders_at([m.order for m in monies], target.address)}
    return [m for m in monies if m.order.id in ids]


@dataclass(frozen=True, slots=True)
class PaidPlan:
    """Payment rows to write for the orders that owe money."""

    due: tuple[OrderMoney, ...]
    drafts: tuple[PaymentDraft, ...]

    @property
    def total(self) -> int:
        """What the rows add up to (fen)."""
        return sum(d.amount for d in self.drafts)


def plan_paid(
    picked: Sequence[OrderMoney],
    amount: int | None,
    method: str,
    note: str,
    *,
    exact: bool,
    label: str,
) -> PaidPlan | str:
    """Rows for marking these orders paid, or why not (the worker's answer).

    Without an amount each order pays what it still owes. With one, `exact` (a pasted
    transfer note) refuses a sum that differs from what is owed; a worker's own `116元`
    records what came in, spread over the orders in turn.
    """
    due = tuple(m for m in picked if m.outstanding > 0 and m.order.status in LIVE_STATUSES)
    if not due:
        return texts.PAY_NOTHING_DUE.format(target=label)
    owed = sum(m.outstanding for m in due)
    if amount is not None and amount != owed and exact:
        return texts.PAY_MISMATCH.format(target=label, due=yuan(owed), amount=yuan(amount))
    parts = [m.outstanding for m in due] if amount is None else split_amount(due, amount)
    return PaidPlan(due, payment_drafts(due, parts, method, note))


def apply_paid(
    repo: CampaignRepo, c: CampaignView, plan: PaidPlan, actor: str, now: datetime
) -> str:
    """Write the plan, add refund lines for any overpayment, and say what was recorded."""
    repo.add_payments(c.id, plan.drafts, actor, now)
    record_refunds(repo, c, actor, now)
    after = {m.order.id: m for m in money_of(repo, c)}
    lines = [
        _paid_line(m.order, d.amount, after[m.order.id])
        for m, d in zip(plan.due, plan.drafts, strict=True)
    ]
    totals = summarize(list(after.values()))
    log.info("campaign %s: %d payments recorded by %s", c.id, len(plan.drafts), actor)
    return "\n".join(
        [
            texts.PAY_RECORDED.format(lines="；".join(lines)),
            texts.PAY_TOTALS.format(
                paid=yuan(totals.paid),
                unpaid=totals.unpaid_orders,
                outstanding=yuan(totals.outstanding),
            ),
        ]
    )


def _paid_line(o: OrderView, amount: int, now: OrderMoney) -> str:
    extra = ""
    if now.outstanding > 0:
        extra = texts.PAY_SHORT.format(missing=yuan(now.outstanding))
    elif now.waiting > 0 and now.owed > 0:
        extra = texts.PAY_OVER.format(extra=yuan(now.waiting))
    name = o.household.name if o.household and o.household.name else ""
    return texts.PAY_LINE.format(
        no=o.no,
        address=address(o.household),
        name=f"{name} " if name else "",
        amount=yuan(amount),
        extra=extra,
    )


def mark_paid(
    repo: CampaignRepo,
    c: CampaignView,
    target: PayTarget,
    method: str,
    actor: str,
    now: datetime,
    *,
    exact: bool = False,
) -> str:
    """已付 3-2-201 / 已付 12 15 18 / a pasted transfer note: record, or say why not."""
    label = target_label(target)
    picked = chosen(money_of(repo, c), target)
    if not picked:
        return texts.PAY_NOT_FOUND.format(target=label)
    plan = plan_paid(picked, target.amount, method, target.note, exact=exact, label=label)
    if isinstance(plan, str):
        return plan
    reply = apply_paid(repo, c, plan, actor, now)
    missing = [n for n in target.nos if n not in {m.order.no for m in picked}]
    if missing:
        reply += "\n" + texts.PAY_NOT_FOUND.format(target="、".join(map(str, missing)) + " 号")
    return reply


def refund_reason(o: OrderView) -> str:
    """Why money goes back: a cancelled or rejected order, a short delivery, or overpaying."""
    if o.status not in LIVE_STATUSES:
        status = texts.ORDER_STATUS.get(o.status, o.status)
        reason = texts.REFUND_REASON_CANCELLED.format(status=status)
        return f"{reason}：{o.reason}" if o.reason else reason
    short = [ln for ln in o.lines if ln.final_qty < ln.qty]
    if not short:
        return texts.REFUND_REASON_OVERPAID
    items = "、".join(
        texts.REFUND_REASON_SHORT_ITEM.format(
            name=ln.name, want=qty_text(ln.qty), got=qty_text(ln.final_qty), unit=ln.unit or ""
        )
        for ln in short
    )
    return texts.REFUND_REASON_SHORT.format(items=items)


def record_refunds(
    repo: CampaignRepo, c: CampaignView, actor: str, now: datetime, *, tell: bool = True
) -> list[PaymentView]:
    """A refund line (待退) for every order paid beyond what it now owes, and (unless the
    group was told already) a word to the household. Safe to run after any change: an
    order already covered gets nothing more."""
    monies = money_of(repo, c)
    reasons = {m.order.id: refund_reason(m.order) for m in monies if m.over > 0}
    rows = repo.add_payments(c.id, refund_drafts(monies, reasons), actor, now)
    if not tell:
        return rows
    orders = {m.order.id: m.order for m in monies}
    for row in rows:
        o = orders[row.order_id]
        text = texts.REFUND_NOTICE.format(
            address=address(o.household), title=c.title, amount=yuan(row.amount), reason=row.note
        )
        tell_household(repo, c, o, text, f"refund:{row.id}", now)
    return rows


def settle(
    repo: CampaignRepo, c: CampaignView, target: PayTarget, actor: str, now: datetime
) -> str:
    """已退 12 / 已退 3-2-201: the waiting refund lines of those orders were sent back."""
    label = target_label(target)
    picked = {m.order.id: m.order for m in chosen(money_of(repo, c), target)}
    if not picked:
        return texts.PAY_NOT_FOUND.format(target=label)
    waiting = [p for p in repo.list_payments(c.id) if p.waiting and p.order_id in picked]
    if not waiting:
        return texts.REFUND_NONE.format(target=label)
    rows = repo.settle_refunds([p.id for p in waiting], actor, now)
    lines = [
        texts.REFUND_LINE.format(
            no=picked[p.order_id].no,
            address=address(picked[p.order_id].household),
            amount=yuan(p.amount),
            reason=p.note,
        )
        for p in rows
    ]
    return texts.REFUND_SETTLED.format(lines="；".join(lines))


def money_report(repo: CampaignRepo, c: CampaignView) -> str:
    """账目: owed, paid, outstanding, to the supplier, refunds."""
    s = summarize(money_of(repo, c))
    return texts.MONEY_REPORT.format(
        title=c.title,
        owed=yuan(s.owed),
        paid=yuan(s.paid),
        outstanding=yuan(s.outstanding),
        unpaid=s.unpaid_orders,
        supplier=yuan(s.supplier),
        refunded=yuan(s.refunded),
        waiting=yuan(s.waiting),
    )


def unpaid_list(repo: CampaignRepo, c: CampaignView) -> str:
    """未付款: the worker's list of households with money still to pay."""
    due = unpaid(money_of(repo, c))
    if not due:
        return texts.UNPAID_NONE.format(title=c.title)
    header = texts.UNPAID_HEADER.format(
        count=len(due), amount=yuan(sum(m.outstanding for m in due))
    )
    return f"{header}\n{unpaid_lines(due)}"


def remind_unpaid(repo: CampaignRepo, c: CampaignView, now: datetime) -> str:
    """催款: one reminder to the groups naming every household that has not paid."""
    monies = money_of(repo, c)
    due = unpaid(monies)
    if not due:
        return texts.UNPAID_NONE.format(title=c.title)
    key = f"unpaid:{c.id}:{now:%Y%m%d%H%M}"
    post_to_groups(repo, c, unpaid_reminder(c, monies), key, "unpaid", now)
    return texts.UNPAID_REMINDED.format(
        count=len(due), amount=yuan(sum(m.outstanding for m in due))
    )
