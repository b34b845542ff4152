"""Which campaign a 接龙 chain belongs to: a pure choice among the active campaigns."""

from __future__ import annotations

from datetime import timedelta

from handlers.campaign.plan_values import ChainLink
from handlers.campaign.rules import squash

LINK_GRACE = timedelta(hours=1)  # a chain started just before 开团 still links


def best_campaign(chain: ChainLink) -> int | None:
    """The candidate whose title the chain's title contains (longest, then newest); from
    another chat only when the chain was opened after (or just before) 开团; never a campaign
    of another community than the chat's."""
    title = squash(chain.title)
    community = chain.community_id
    found = [
        (len(name), c.id)
        for c in chain.candidates
        if (name := squash(c.title))
        and name in title
        and (chain.chat_id == c.chat_id or chain.opened_at >= c.created_at - LINK_GRACE)
        and (community is None or c.community_id is None or c.community_id == community)
    ]
    return max(found)[1] if found else None
