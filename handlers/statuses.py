"""Every status a campaign, an order or a need can be in, and the named groups of them: defined
once here and imported by handlers, storage, the worker page and the scheduler.

Plain `Literal`s (what the database column holds), so mypy rejects a misspelled status wherever
a value is typed; a group written out anywhere else is a copy waiting to disagree.
"""

from __future__ import annotations

from typing import Literal, get_args

CampaignStatus = Literal["open", "closed", "arrived", "done", "cancelled"]
CAMPAIGN_STATUSES: tuple[CampaignStatus, ...] = get_args(CampaignStatus)
# Not finished: orders still change, reminders go out, the 今日 page lists them.
ACTIVE_CAMPAIGNS: tuple[CampaignStatus, ...] = ("open", "closed", "arrived")
# Still taking a 1:1 order (closed: a late order, kept for a worker to decide).
ORDERING_CAMPAIGNS: tuple[CampaignStatus, ...] = ("open", "closed")
# Goods on their way or arrived: the 取货 desk works on these.
PICKUP_CAMPAIGNS: tuple[CampaignStatus, ...] = ("closed", "arrived")

OrderStatus = Literal[
    "pending", "late", "confirmed", "rejected", "ready", "picked_up", "cancelled", "withdrawn"
]
# Order statuses that still want goods (count against limits and stock).
LIVE_STATUSES: tuple[OrderStatus, ...] = ("pending", "late", "confirmed", "ready", "picked_up")
# Statuses a worker may still confirm.
OPEN_STATUSES: tuple[OrderStatus, ...] = ("pending", "late")
# Statuses a worker may still reject (in chat and on the page alike): not yet final.
REJECTABLE_STATUSES: tuple[OrderStatus, ...] = ("pending", "late", "confirmed", "ready")
# Goods waiting at the pickup point: reminders go out, the desk may hand them over.
PICKABLE_STATUSES: tuple[OrderStatus, ...] = ("confirmed", "ready")
# What the supplier is paid for (and what the supplier's sheet lists).
SHIPPED_STATUSES: tuple[OrderStatus, ...] = ("confirmed", "ready", "picked_up")
# A resident may still cancel or change these before 截单 (a late one waits for a worker).
RESIDENT_CHANGEABLE_STATUSES: tuple[OrderStatus, ...] = ("pending", "confirmed")
# Orders that no longer count anywhere.
GONE_STATUSES: tuple[OrderStatus, ...] = ("cancelled", "withdrawn", "rejected")

NeedStatus = Literal["new", "acknowledged", "in_progress", "resolved"]
NEED_STATUSES: tuple[NeedStatus, ...] = get_args(NeedStatus)
# Not yet 办结: the worker's 查看需求 list and the page's default tab.
OPEN_NEED_STATUSES: tuple[NeedStatus, ...] = ("new", "acknowledged", "in_progress")
# Nobody is working on them yet: 需求汇总 groups these by item.
WAITING_NEED_STATUSES: tuple[NeedStatus, ...] = ("new", "acknowledged")
