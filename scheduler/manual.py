"""需人工通知: residents no channel reaches (no 公众号 window, no group Linli can post to) are
told to the workers of the campaign's community in one summary per run, never one notice per
resident; the orders are flagged on the worker page and counted in the daily report."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime
from itertools import groupby

from sqlalchemy.orm import Session

from handlers import texts
from handlers.campaign.rules import mask_phone
from models.campaign import Campaign, Order
from models.community import Household
from models.notices import queue_notice
from models.staff import staff_of

log = logging.getLogger(__name__)
MAX_LINES = 20


def tell_workers_manual(
    session: Session, pairs: Sequence[tuple[Order, Campaign]], kind: str, now: datetime
) -> int:
    """One summary per campaign to its community's workers; return the notices queued."""
    added = 0
    ordered = sorted(pairs, key=lambda p: (p[1].id, p[0].id))
    for campaign_id, group in groupby(ordered, key=lambda p: p[1].id):
        rows = list(group)
        campaign = rows[0][1]
        text = summary_text(session, campaign, [o for o, _ in rows], kind)
        ids = ",".join(str(o.id) for o, _ in rows)
        digest = hashlib.sha1(ids.encode()).hexdigest()[:16]
        for worker in staff_of(session, campaign.community_id):
            added += queue_notice(
                session,
                worker.channel,
                worker.external_id,
                text,
                f"manual:{kind}:{campaign_id}:{digest}:{worker.id}",
                kind="summary",
                not_before_at=now,
            )
        log.info("campaign %s: %d households need a worker (%s)", campaign_id, len(rows), kind)
    return added


def summary_text(session: Session, campaign: Campaign, orders: Sequence[Order], kind: str) -> str:
    """【需人工通知】「蔬菜套餐」的取货提醒有2户联系不上…: 4-1-101 王 138****0201；…"""
    lines = []
    for order in orders[:MAX_LINES]:
        home = session.get(Household, order.household_id) if order.household_id else None
        address = "-".join(p for p in (home.building, home.unit, home.room) if p) if home else "?"
        phone = f" {mask_phone(home.phone)}" if home and home.phone else ""
        name = home.name or "" if home else ""
        lines.append(texts.MANUAL_SUMMARY_LINE.format(address=address, name=name, phone=phone))
    more = "……" if len(orders) > MAX_LINES else ""
    return texts.MANUAL_SUMMARY.format(
        title=campaign.title,
        what=texts.MANUAL_WHAT.get(kind, kind),
        count=len(orders),
        lines="；".join(line.strip() for line in lines) + more,
    )
