"""Where a campaign's posts go, and notices about its residents: read and written for the
campaign repository (chat commands, the worker page) and the scheduler alike.

A campaign posts to the groups of its community it was announced to, and to every group whose
接龙 linked to it; never to a 1:1 chat (the worker's who opened it, a resident's order chat).
Campaigns from before announcements were stored post to the group they were opened in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.campaign.values import OutboxNotice
from handlers.community.values import GroupRef
from handlers.reach import can_post, one_per_chat
from models.campaign import Campaign, CampaignGroup, Order
from models.chain import Chain
from models.notices import insert_notices
from models.reach import MP_WINDOW, ResidentReach, flag_manual, group_ref, registered_chats


def campaign_groups(session: Session, campaign_id: int) -> list[GroupRef]:
    """The groups the campaign posts to (reachable or not), one per chat, announced ones first."""
    campaign = session.get_one(Campaign, campaign_id)
    stored = session.scalars(
        select(CampaignGroup)
        .where(CampaignGroup.campaign_id == campaign_id)
        .order_by(CampaignGroup.id)
    ).all()
    chains = session.execute(
        select(Chain.chat_id, Chain.opened_by)
        .where(Chain.campaign_id == campaign_id)
        .order_by(Chain.id)
    ).all()
    # (chat id, channel to use when the chat was never registered, or "" when it is a 1:1)
    wanted = [(g.chat_id, g.channel) for g in stored]
    if campaign.chat_id != campaign.created_by:  # opened in a group (or before issue 20)
        wanted.append((campaign.chat_id, campaign.channel or "sim"))
    wanted += [(chat, campaign.channel or "sim") for chat, opener in chains if chat != opener]
    rows = registered_chats(session, [chat for chat, _ in wanted])
    titles = {g.chat_id: g.title for g in stored}
    return one_per_chat(
        _group(rows.get(chat, []), chat, channel, titles) for chat, channel in wanted
    )


def _group(rows: Sequence[Any], chat_id: str, channel: str, titles: Mapping[str, str]) -> GroupRef:
    groups = [group_ref(row) for row in rows if row.is_group]
    if groups:
        return one_per_chat(groups)[0]
    if rows:  # registered, but not as a group: a 1:1 chat is never posted to
        return GroupRef(rows[0].channel, chat_id, titles.get(chat_id, ""), reachable=False)
    return GroupRef(channel, chat_id, titles.get(chat_id, ""), can_post(channel, False))


def store_groups(
    session: Session, campaign_id: int, groups: Sequence[GroupRef], at: datetime
) -> None:
    """Remember the groups a campaign was announced to (or listed for forwarding)."""
    session.add_all(
        CampaignGroup(
            campaign_id=campaign_id,
            channel=g.channel,
            chat_id=g.chat_id,
            title=g.title,
            reached=g.reachable,
            created_at=at,
        )
        for g in groups
    )
    session.flush()


def resident_rows(
    session: Session, notices: Sequence[OutboxNotice], now: datetime
) -> list[dict[str, Any]]:
    """Outbox rows for notices about a resident (no channel given, an order named): where the
    rule sends each; a resident no channel reaches gets a row no sender claims, marked
    需人工通知, and the order is flagged for the workers."""
    ids = [n.order_id for n in notices if n.order_id is not None]
    pairs = [
        (order, campaign)
        for order, campaign in session.execute(
            select(Order, Campaign)
            .join(Campaign, Campaign.id == Order.campaign_id)
            .where(Order.id.in_(ids))
        )
    ]
    reach = ResidentReach(session, pairs)
    orders = {o.id: o for o, _ in pairs}
    rows = []
    for n in notices:
        if n.order_id not in orders:
            continue
        dest = reach.destination(n.order_id, now, MP_WINDOW)
        if dest.manual:
            flag_manual(orders[n.order_id])
        rows.append(
            {
                **_columns(n, now),
                "channel": dest.channel,
                "target": dest.target,
                "mention_mobile": dest.mention_mobile,
                "needs_manual": dest.manual,
                "status": "manual" if dest.manual else "pending",
            }
        )
    return rows


def _columns(n: OutboxNotice, now: datetime) -> dict[str, Any]:
    return {
        "channel": n.channel,
        "target": n.target,
        "text": n.text,
        "dedupe_key": n.dedupe_key,
        "kind": n.kind,
        "not_before_at": n.not_before_at or now,
        "expires_at": n.expires_at,
        "order_id": n.order_id,
        "mention_mobile": None,
        "needs_manual": False,
        "status": "pending",
    }


def queue_campaign_notices(session: Session, notices: Sequence[OutboxNotice], now: datetime) -> int:
    """Queue group posts as given and notices about residents where the rule says; return how
    many rows are new (dedupe keys already queued are skipped)."""
    direct = [_columns(n, now) for n in notices if n.channel]
    about = [n for n in notices if not n.channel and n.order_id is not None]
    return insert_notices(session, direct) + insert_notices(
        session, resident_rows(session, about, now)
    )
