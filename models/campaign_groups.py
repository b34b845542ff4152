"""The chats a campaign posts to, and its outbox notices: read and written for the campaign
repository (chat commands, the worker page) and the scheduler alike.

A campaign names the groups of its community it was announced to, and every chat whose 接龙
linked to it, except a 1:1 chat of the worker who opened it; campaigns from before
announcements were stored name the chat they were opened in. Which of those Linli can post to
is decided by `handlers.reach.campaign_groups`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.campaign.values import OutboxNotice
from handlers.community.values import GroupRef, NamedChat
from models.campaign import Campaign, CampaignGroup, Order
from models.chain import Chain
from models.notices import insert_notices
from models.reach import flag_manual, registered_chats


def campaign_chats(session: Session, campaign_id: int) -> list[NamedChat]:
    """The chats the campaign names, with their registrations, announced ones first."""
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
    return [
        NamedChat(chat, channel, titles.get(chat, ""), tuple(rows.get(chat, [])))
        for chat, channel in wanted
    ]


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
        "mention_mobile": n.mention_mobile,
        "needs_manual": n.manual,
        "status": "manual" if n.manual else "pending",
    }


def queue_campaign_notices(session: Session, notices: Sequence[OutboxNotice], now: datetime) -> int:
    """Queue the notices as given (where `handlers.reach` sent them); a 需人工通知 row, which no
    sender claims, flags its order for the workers. Return how many rows are new (dedupe keys
    already queued are skipped)."""
    manual = sorted({n.order_id for n in notices if n.manual and n.order_id is not None})
    if manual:
        for order in session.scalars(select(Order).where(Order.id.in_(manual))):
            flag_manual(order)
    return insert_notices(session, [_columns(n, now) for n in notices if n.channel])
