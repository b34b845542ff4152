"""A household chasing its own open need is not a second need.

'暖气片爆了，水往楼下流' and two minutes later '物业电话打不通，快来人啊';
'孩子烧到39度，谁家有退烧药' and then '求一瓶布洛芬，在线等': the same household
asks again for what it already asked, in other words or with a name added. The
first message stays the need; the chase adds none.
"""

from __future__ import annotations

from datetime import timedelta

from handlers.context import Context
from handlers.needs.repo import NeedDraft
from handlers.statuses import OPEN_NEED_STATUSES
from handlers.types import Incoming

FOLLOW_UP_WINDOW = timedelta(hours=6)


def follows_up(msg: Incoming, draft: NeedDraft, ctx: Context) -> bool:
    """True when `draft` repeats or chases the sender's newest open need in this group chat.

    Like a question answered in the group (answers.py), only a group is read this way: in a
    1:1 conversation every message is put to the workers, who read the whole thread."""
    if not msg.is_group:
        return False
    since = msg.received_at - FOLLOW_UP_WINDOW
    for need in ctx.needs.recent_needs(msg.chat_id, since):
        if need.sender_id == msg.sender_id:
            return need.status in OPEN_NEED_STATUSES and same_need(need.draft, draft)
    return False


def same_need(first: NeedDraft, again: NeedDraft) -> bool:
    """Is `again` the same household's `first` need asked again?

    Worse news (urgent now, not before) is a need of its own; so is anything after a question
    (a 咨询 answered or not, then a request) and a second report (two broken things are two
    reports). A bare call for help (求助) chases whatever is open; otherwise the same category
    is the same need."""
    if again.urgent and not first.urgent:
        return False
    if first.category == "咨询":
        return False
    if again.category == "求助":
        return True
    return again.category == first.category and first.category != "其他"
