"""成团 at work (issue 17): the 截单 reminder an hour before, the one notice when a batch
reaches its minimum, and at 截单 the cancellation of a batch that did not.

Shared by the scheduler (reminder, 截单), chat (截单) and the 接龙 sync (reached).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

from handlers import texts
from handlers.campaign.format import when_text
from handlers.campaign.goal import progress_text, reached
from handlers.campaign.post import post_to_groups
from handlers.campaign.ready_texts import cutoff_reminder, not_reached_notice
from handlers.campaign.repo import CampaignRepo, CampaignView, OrderView
from handlers.campaign.sync import sync_orders
from handlers.money.balance import yuan
from handlers.money.ops import record_refunds
from handlers.statuses import LIVE_STATUSES

log = logging.getLogger(__name__)

CUTOFF_LEAD = timedelta(hours=1)  # the 截单 reminder goes out an hour before


def cancel_unreached(
    repo: CampaignRepo, c: CampaignView, orders: Sequence[OrderView], actor: str, now: datetime
) -> str:
    """截单 of a batch below its minimum: cancel it and its orders, one notice to every group,
    a refund line for each household that paid; the worker's reply."""
    progress = progress_text(c, orders)
    notice = not_reached_notice(c, orders)
    repo.set_campaign_status(c.id, "cancelled", actor, now)
    live = [o.id for o in orders if o.status in LIVE_STATUSES]
    repo.set_order_status(live, "cancelled", actor, now, reason=texts.NOT_REACHED_REASON)
    post_to_groups(repo, c, notice, f"not-reached:{c.id}", "cutoff", now)
    refunds = record_refunds(repo, c, actor, now, tell=False)  # the group notice says it
    log.info("campaign %s did not reach %s: cancelled", c.id, c.min_total)
    more = ""
    if refunds:
        more = texts.NOT_REACHED_REFUNDS.format(
            count=len({r.order_id for r in refunds}), amount=yuan(sum(r.amount for r in refunds))
        )
    return texts.NOT_REACHED_REPLY.format(progress=progress, refunds=more)


def remind_due(
    repo: CampaignRepo, now: datetime, tz: tzinfo, lead: timedelta = CUTOFF_LEAD
) -> list[int]:
    """The scheduler's 截单 reminder: open campaigns whose cut-off is within `lead` get one
    group post with how far the 接龙 has got (keyed, so a rerun adds nothing)."""
    reminded = []
    for campaign_id in repo.due_campaigns("open", "cutoff_at", now + lead):
        c = repo.get_campaign(campaign_id)
        if c is None or c.cutoff_at is None or c.cutoff_at <= now:
            continue  # past its cut-off: 截单 itself is due
        sync_orders(repo, c.id, now)
        text = cutoff_reminder(c, repo.list_orders(c.id), tz)
        if post_to_groups(repo, c, text, f"cutoff-reminder:{c.id}", "cutoff_reminder", now).queued:
            reminded.append(c.id)
    return reminded


def announce_reached(repo: CampaignRepo, c: CampaignView, now: datetime, tz: tzinfo) -> bool:
    """Once, when an open batch with a minimum reaches it: tell the groups (成团啦)."""
    if c.min_total is None or c.status != "open":
        return False
    orders = repo.list_orders(c.id)
    if not reached(c, orders):
        return False
    text = texts.GOAL_REACHED_NOTICE.format(
        title=c.title, progress=progress_text(c, orders), cutoff=when_text(c.cutoff_at, tz)
    )
    return post_to_groups(repo, c, text, f"goal:{c.id}", "goal", now).queued > 0
