"""团购 pages: the list, and one campaign with bulk confirm/reject, adjust, allocation, slots,
待核实 lines and exports. Every write goes through `SqlCampaignRepo` (which audits it)."""

from __future__ import annotations

from functools import partial
from typing import cast

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from bot.admin import campaign_data as data
from bot.admin.audit import record_audit
from bot.admin.chain_reading import campaign_chains
from bot.admin.exports import export_links
from bot.admin.scope import require_campaign
from bot.admin.today import CAMPAIGN_LABELS, campaign_summaries
from bot.runtime import runtime
from handlers.campaign.format import template_text
from handlers.campaign.goal import goal_unit, progress_text
from handlers.campaign.ops import reject_orders
from handlers.campaign.ready_texts import ready_texts
from handlers.campaign.repo import AllocationRule, CampaignView, OrderFilter, OrderView
from handlers.campaign.rules import can_decide
from handlers.money.balance import order_money
from handlers.reach import campaign_groups
from handlers.statuses import CAMPAIGN_STATUSES, OPEN_STATUSES, REJECTABLE_STATUSES, OrderStatus
from models.base import utcnow
from models.campaign_groups import campaign_chats
from models.campaigns_repo import SqlCampaignRepo

bp = Blueprint("campaigns", __name__)

MAX_QTY = 1000.0


def load(db: Session, campaign_id: int) -> tuple[SqlCampaignRepo, CampaignView]:
    """The repo and the campaign, 404 when it is not visible to this worker."""
    require_campaign(db, g.staff, campaign_id)
    repo = SqlCampaignRepo(db)
    campaign = repo.get_campaign(campaign_id)
    if campaign is None:
        abort(404)
    return repo, campaign


@bp.get("/campaigns")
def index() -> str:
    """Every visible campaign, newest first."""
    with runtime().session_factory() as db:
        campaigns = campaign_summaries(db, g.staff, CAMPAIGN_STATUSES)
    return render_template("admin/campaigns.html", campaigns=campaigns, labels=CAMPAIGN_LABELS)


def _filter() -> tuple[OrderFilter, str, str]:
    building = request.args.get("building", "").strip()
    status = request.args.get("status", "").strip()
    statuses = (cast(OrderStatus, status),) if status in data.ORDER_LABELS else ()
    return OrderFilter(statuses=statuses, building=building or None), building, status


@bp.get("/campaigns/<int:campaign_id>")
def show(campaign_id: int) -> str:
    """The campaign page."""
    where, building, status = _filter()
    tz = runtime().settings.zone
    with runtime().session_factory() as db:
        repo, campaign = load(db, campaign_id)
        everything = repo.list_orders(campaign_id)
        shown = (
            repo.list_orders(campaign_id, where) if where.statuses or where.building else everything
        )
        slots = repo.list_slots(campaign_id)
        entries = data.unreadable_entries(db, campaign_id)
        chains = campaign_chains(db, campaign_id)
        monies = order_money(campaign, everything, repo.list_payments(campaign_id))
        groups = campaign_groups(campaign_chats(db, campaign_id))
    return render_template(
        "admin/campaign.html",
        campaign=campaign,
        orders=shown,
        building=building,
        status=status,
        buildings=data.buildings(everything),
        labels=data.ORDER_LABELS,
        flag_labels=data.FLAG_LABELS,
        campaign_labels=CAMPAIGN_LABELS,
        open_statuses=OPEN_STATUSES,
        rejectable=REJECTABLE_STATUSES,
        allocation=data.allocation_summary(campaign, everything),
        slots=slots,
        slot_label=partial(data.slot_label, tz=tz),
        entries=entries,
        chains=chains,
        pictures=data.entry_pictures(entries),
        to_fix=data.orders_to_fix(everything),
        exports=export_links(campaign_id),
        building_chart=data.building_chart(everything),
        pickup_chart=data.pickup_chart(slots, everything, tz),
        progress=progress_text(campaign, everything),
        goal_unit=goal_unit(campaign),
        ready=ready_texts(campaign, everything, monies, slots, utcnow(), tz),
        groups=groups,
        template=template_text(campaign, tz),
    )


def _back(campaign_id: int) -> ResponseReturnValue:
    building, status = request.form.get("building", ""), request.form.get("status", "")
    url = url_for(
        "admin.campaigns.show",
        campaign_id=campaign_id,
        building=building or None,
        status=status or None,
    )
    return redirect(url)


def _chosen(orders: list[OrderView]) -> list[OrderView]:
    wanted = {int(v) for v in request.form.getlist("order") if v.isdigit()}
    return [o for o in orders if o.id in wanted]


@bp.post("/campaigns/<int:campaign_id>/orders")
def bulk(campaign_id: int) -> ResponseReturnValue:
    """确认 the ticked orders still waiting for a worker, or 拒绝 them as `拒绝` in chat does
    (the household is told why)."""
    action = request.form.get("action", "")
    if action not in ("confirm", "reject"):
        abort(400, description="未知操作。")
    reason = request.form.get("reason", "").strip()[:200]
    now, actor = utcnow(), g.staff.actor
    with runtime().session_factory.begin() as db:
        repo, campaign = load(db, campaign_id)
        ticked = _chosen(repo.list_orders(campaign_id))
        if action == "reject":
            chosen = reject_orders(repo, campaign, ticked, reason, actor, now)
        else:
            chosen = [o for o in ticked if can_decide(o.status)]
            repo.set_order_status([o.id for o in chosen], "confirmed", actor, now)
    verb = "确认" if action == "confirm" else "拒绝"
    flash(
        f"已{verb} {len(chosen)} 单：" + "、".join(f"{o.no}号" for o in chosen)
        if chosen
        else "没有可操作的订单（已取消、已拒绝或已取货的订单不能再改）。"
    )
    return _back(campaign_id)


@bp.post("/campaigns/<int:campaign_id>/lines/<int:line_id>")
def adjust(campaign_id: int, line_id: int) -> ResponseReturnValue:
    """调整 one line's quantity (and name its product when the line matched none)."""
    try:
        qty = float(request.form.get("qty", ""))
    except ValueError:
        abort(400, description="数量必须是数字。")
    if not 0 <= qty <= MAX_QTY:
        abort(400, description="数量超出范围。")
    with runtime().session_factory.begin() as db:
        repo, campaign = load(db, campaign_id)
        lines = {ln.id for o in repo.list_orders(campaign_id) for ln in o.lines}
        if line_id not in lines:
            abort(404)
        product = request.form.get("product", "") or None
        if product is not None and product not in {p.name for p in campaign.products}:
            abort(400, description="没有这个商品。")
        repo.set_line(line_id, qty, g.staff.actor, utcnow(), product)
    flash("已调整数量。")
    return _back(campaign_id)


@bp.post("/campaigns/<int:campaign_id>/allocate")
def allocate(campaign_id: int) -> ResponseReturnValue:
    """分配 short stock by the chosen rule and store the result."""
    rule = request.form.get("rule", "first_come")
    if rule not in ("first_come", "proportional"):
        abort(400, description="未知分配规则。")
    with runtime().session_factory.begin() as db:
        repo, campaign = load(db, campaign_id)
        plan = data.plan_allocation(
            campaign, repo.list_orders(campaign_id), cast(AllocationRule, rule)
        )
        repo.save_allocation(campaign_id, plan, cast(AllocationRule, rule), g.staff.actor, utcnow())
    flash(f"已按{'先到先得' if rule == 'first_come' else '按比例'}分配 {len(plan)} 行。")
    return _back(campaign_id)


@bp.post("/campaigns/<int:campaign_id>/entries/<int:entry_id>/checked")
def entry_checked(campaign_id: int, entry_id: int) -> ResponseReturnValue:
    """A worker has checked a 待核实 line by hand (phoned, asked in the group)."""
    note = request.form.get("note", "").strip()[:200]
    with runtime().session_factory.begin() as db:
        load(db, campaign_id)
        entry = data.mark_entry_checked(db, campaign_id, entry_id)
        if entry is None:
            abort(404)
        record_audit(
            db,
            g.staff,
            "entry.checked",
            "chain_entry",
            entry.id,
            {"flags": ["unreadable"]},
            {"flags": entry.flags, "note": note},
        )
    flash("已标记为已核实。")
    return _back(campaign_id)
