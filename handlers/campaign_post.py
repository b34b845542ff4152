"""Messages about a campaign through the outbox: one post per group chat, or one to a household.

Shared by campaign operations, money and 成团 (issue 17 moved them here from campaign_ops so
those modules need not import each other).
"""

from __future__ import annotations

from datetime import datetime

from handlers.campaign_store import CampaignRepo, CampaignView, OrderView, OutboxNotice


def post_to_groups(
    repo: CampaignRepo, c: CampaignView, text: str, key: str, kind: str, now: datetime
) -> int:
    """Queue one group post per chat of the campaign (home group keyed `key`, others `key:chat`)."""
    notices = [
        OutboxNotice(
            channel, chat_id, text, key if chat_id == c.chat_id else f"{key}:{chat_id}", kind=kind
        )
        for channel, chat_id in repo.campaign_chats(c.id)
    ]
    return repo.queue_notices(notices, now)


def tell_household(
    repo: CampaignRepo, c: CampaignView, o: OrderView, text: str, key: str, now: datetime
) -> None:
    """A message about one order, in the chat the order came from (works on every channel)."""
    channel = next((ch for ch, chat in repo.campaign_chats(c.id) if chat == o.chat_id), c.channel)
    repo.queue_notices(
        [OutboxNotice(channel, o.chat_id or c.chat_id, text, key, kind="order", order_id=o.id)],
        now,
    )
