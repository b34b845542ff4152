"""收款 pages of a campaign (issue 17): the money view, tick-and-confirm payments, a pasted
transfer note, refund lines sent back, and the 成团 minimum. Decisions come from
`handlers.money.ops`, the same functions the chat commands use; writes are audited by the repo.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from bot.admin.campaigns import load
from bot.admin.charts import Chart, split_bars
from bot.runtime import runtime
from handlers import texts
from handlers.campaign.goal import goal_line, progress_text
from handlers.campaign.repo import CampaignView, OrderView
from handlers.campaign.values import building_key
from handlers.money.balance import OrderMoney, by_building, summarize, unpaid, yuan
from handlers.money.ops import PaidPlan, apply_paid, chosen, money_of, plan_paid, target_label
from handlers.money.payment_parse import parse_transfer
from handlers.money.payment_scan import clean_scan, plan_scan
from handlers.money.repo import METHOD_PAGE, METHOD_TRANSFER
from models.base import utcnow

bp = Blueprint("money", __name__)

MAX_GOAL = 100_000
MAX_NOTE = 300


@bp.get("/campaigns/<int:campaign_id>/money")
def show(campaign_id: int) -> str:
    """Owed, paid, outstanding, to the supplier, refunds; every order's payment state."""
    with runtime().session_factory() as db:
        repo, campaign = load(db, campaign_id)
        monies = money_of(repo, campaign)
    return render_template(
        "admin/money.html",
        campaign=campaign,
        monies=monies,
        summary=summarize(monies),
        due=unpaid(monies),
        waiting=[(m, p) for m in monies for p in m.rows if p.waiting],
        chart=building_money_chart(monies),
        yuan=yuan,
        states=texts.PAYMENT_STATES,
        camera_failed=texts.SCAN_CAMERA_FAILED,
    )


def building_money_chart(monies: list[OrderMoney]) -> Chart:
    """Paid and unpaid amounts (元) per building."""
    split = by_building(monies)
    rows = [
        (f"{b}号楼" if b != "未知" else b, split[b][0] / 100, split[b][1] / 100)
        for b in sorted(split, key=building_key)
    ]
    return split_bars("各楼已付/未付（元）", rows, ("已付", "未付"))


@bp.post("/campaigns/<int:campaign_id>/money/check")
def check(campaign_id: int) -> ResponseReturnValue:
    """The ticked orders (or a pasted transfer note) and their amounts, to confirm."""
    note = request.form.get("transfer", "").strip()[:MAX_NOTE]
    with runtime().session_factory() as db:
        repo, campaign = load(db, campaign_id)
        monies = money_of(repo, campaign)
    plan = _transfer_plan(monies, note) if note else _ticked_plan(monies)
    if isinstance(plan, str):
        flash(plan)
        return redirect(url_for("admin.money.show", campaign_id=campaign_id))
    if note:
        return _confirm(campaign, plan, METHOD_TRANSFER, note, amount=plan.total)
    return _confirm(campaign, plan, METHOD_PAGE, "")


@bp.post("/campaigns/<int:campaign_id>/money/scan")
def scan(campaign_id: int) -> ResponseReturnValue:
    """扫码收款: a pickup code, order number or address as a scanner types it (then Enter),
    shown with who and how much for one confirmation; or the sentence why nothing is recorded."""
    scanned = clean_scan(request.form.get("code", "")[:MAX_NOTE])
    with runtime().session_factory() as db:
        repo, campaign = load(db, campaign_id)
        monies = money_of(repo, campaign)
    plan = plan_scan(monies, scanned)
    if isinstance(plan, str):
        flash(plan)
        return redirect(url_for("admin.money.show", campaign_id=campaign_id))
    note = plan.drafts[0].note if plan.drafts else ""
    return _confirm(campaign, plan, METHOD_PAGE, note, scanned=scanned)


def _confirm(
    campaign: CampaignView,
    plan: PaidPlan,
    method: str,
    note: str,
    amount: int | None = None,
    scanned: str = "",
) -> str:
    """The confirmation step: who, how much, and the form that records it."""
    return render_template(
        "admin/payment_confirm.html",
        campaign=campaign,
        plan=plan,
        rows=list(zip(plan.due, plan.drafts, strict=True)),
        note=note,
        method=method,
        amount=amount,
        scanned=scanned,
        yuan=yuan,
    )


def _ticked_plan(monies: list[OrderMoney]) -> PaidPlan | str:
    wanted = {int(v) for v in request.form.getlist("order") if v.isdigit()}
    picked = [m for m in monies if m.order.id in wanted]
    if not picked:
        return texts.PAGE_PAY_NONE_TICKED
    label = "、".join(f"{m.order.no}" for m in picked) + " 号"
    return plan_paid(picked, None, METHOD_PAGE, "", exact=False, label=label)


def _transfer_plan(monies: list[OrderMoney], note: str) -> PaidPlan | str:
    target = parse_transfer(note)
    if target is None:
        return texts.PAY_USAGE
    if target.address is None:
        return texts.TRANSFER_NO_ADDRESS
    picked = chosen(monies, target)
    label = target_label(target)
    if not picked:
        return texts.PAY_NOT_FOUND.format(target=label)
    return plan_paid(picked, target.amount, METHOD_TRANSFER, note, exact=True, label=label)


@bp.post("/campaigns/<int:campaign_id>/money/paid")
def paid(campaign_id: int) -> ResponseReturnValue:
    """确认收款: decided again on what is owed now (someone may have marked them meanwhile)."""
    method = METHOD_TRANSFER if request.form.get("method") == METHOD_TRANSFER else METHOD_PAGE
    note = request.form.get("note", "").strip()[:MAX_NOTE]
    amount = request.form.get("amount", "")
    wanted = {int(v) for v in request.form.getlist("order") if v.isdigit()}
    with runtime().session_factory.begin() as db:
        repo, campaign = load(db, campaign_id)
        picked = [m for m in money_of(repo, campaign) if m.order.id in wanted]
        if not picked:
            abort(400, description=texts.PAGE_PAY_NONE_TICKED)
        label = "、".join(f"{m.order.no}" for m in picked) + " 号"
        plan = plan_paid(
            picked,
            int(amount) if amount.isdigit() else None,
            method,
            note,
            exact=method == METHOD_TRANSFER,
            label=label,
        )
        message = (
            plan
            if isinstance(plan, str)
            else apply_paid(repo, campaign, plan, g.staff.actor, utcnow())
        )
    flash(message)
    return redirect(url_for("admin.money.show", campaign_id=campaign_id))


@bp.post("/campaigns/<int:campaign_id>/money/refunds/<int:payment_id>")
def refunded(campaign_id: int, payment_id: int) -> ResponseReturnValue:
    """已退回: a waiting refund line was sent back to the household."""
    with runtime().session_factory.begin() as db:
        repo, campaign = load(db, campaign_id)
        waiting = {p.id for p in repo.list_payments(campaign.id) if p.waiting}
        if payment_id not in waiting:
            abort(404)
        [row] = repo.settle_refunds([payment_id], g.staff.actor, utcnow())
    flash(texts.PAGE_REFUND_DONE.format(amount=yuan(row.amount)))
    return redirect(url_for("admin.money.show", campaign_id=campaign_id))


@bp.post("/campaigns/<int:campaign_id>/goal")
def goal(campaign_id: int) -> ResponseReturnValue:
    """成团: set (or clear, when empty) the minimum the batch needs."""
    raw = request.form.get("min_total", "").strip()
    if raw and not (raw.isdigit() and 0 < int(raw) <= MAX_GOAL):
        abort(400, description=texts.PAGE_GOAL_BAD)
    value = float(raw) if raw else None
    with runtime().session_factory.begin() as db:
        repo, campaign = load(db, campaign_id)
        repo.set_min_total(campaign_id, value, g.staff.actor, utcnow())
        fresh = repo.get_campaign(campaign_id)
        orders = repo.list_orders(campaign_id)
    flash(_goal_message(fresh or campaign, orders))
    return redirect(url_for("admin.campaigns.show", campaign_id=campaign_id))


def _goal_message(c: CampaignView, orders: list[OrderView]) -> str:
    if c.min_total is None:
        return texts.GOAL_CLEARED
    return texts.GOAL_SET.format(goal=goal_line(c), progress=progress_text(c, orders))
