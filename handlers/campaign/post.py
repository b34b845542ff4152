"""Messages about a campaign through the outbox: one post per group it reaches, or one to a
household (routed by `handlers.reach`).

Shared by campaign operations, money and 成团, so those modules need not import each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from handlers import texts
from handlers.campaign.repo import CampaignRepo, CampaignView, OrderView, OutboxNotice
from handlers.community.values import GroupRef
from handlers.reach import campaign_groups, reach_order


def group_post_key(key: str, chat_id: str) -> str:
    """The outbox key of one campaign post in one group: chat, page and scheduler share it, so
    each group gets each post once whoever queues it first."""
    return f"{key}:{chat_id}"


@dataclass(frozen=True, slots=True)
class Posted:
    """Where a campaign post went: queued for these groups; these Linli cannot post to."""

    reached: tuple[GroupRef, ...] = ()
    unreached: tuple[GroupRef, ...] = ()
    queued: int = 0  # notices new in the outbox (0: every group had it already)

    def reply(self) -> str:
        """What the worker is told about it (only what happened)."""
        parts = [
            texts.POSTED_TO_GROUPS.format(count=len(self.reached))
            if self.reached
            else texts.POSTED_NOWHERE
        ]
        if self.unreached:
            names = "、".join(g.label for g in self.unreached)
            parts.append(texts.POSTED_FORWARD.format(names=names))
        return "".join(parts)


def post_to_groups(
    repo: CampaignRepo,
    c: CampaignView,
    text: str | Callable[[GroupRef], str],
    key: str,
    kind: str,
    now: datetime,
) -> Posted:
    """Queue one post per group the campaign reaches (`text` may depend on the group)."""
    groups = campaign_groups(repo.campaign_chats(c.id))
    reached = [g for g in groups if g.reachable]
    queued = repo.queue_notices(
        [
            OutboxNotice(
                g.channel,
                g.chat_id,
                text(g) if callable(text) else text,
                group_post_key(key, g.chat_id),
                kind=kind,
            )
            for g in reached
        ],
        now,
    )
    return Posted(tuple(reached), tuple(g for g in groups if not g.reachable), queued)


def tell_household(
    repo: CampaignRepo, c: CampaignView, o: OrderView, text: str, key: str, now: datetime
) -> None:
    """A message about one order, to its resident: where `handlers.reach` says (1:1 inside
    the 公众号 window, else the group the order came from, else 需人工通知 for the workers)."""
    contact = repo.order_contact(o.id)
    if contact is None:
        return
    dest = reach_order(contact, now)
    notice = OutboxNotice(
        dest.channel,
        dest.target,
        text,
        key,
        kind="order",
        order_id=o.id,
        mention_mobile=dest.mention_mobile,
        manual=dest.manual,
    )
    repo.queue_notices([notice], now)
