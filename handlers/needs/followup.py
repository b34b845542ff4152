"""A household chasing its own open need is not a second need.

'暖气片爆了，水往楼下流' and two minutes later '物业电话打不通，快来人啊';
'孩子烧到39度，谁家有退烧药' and then '求一瓶布洛芬，在线等': the same household
asks again for what it already asked, in other words or with a name added. The
first message stays the need; the chase adds to it: workers are told what it says (the
drug's name, 快来人啊), the resident that it reached them.
"""

from __future__ import annotations

from datetime import timedelta

from handlers.context import Context
from handlers.needs.answers import asked_again
from handlers.needs.lexicon import clean, lexicon, normalise
from handlers.needs.repo import NeedDraft, StoredNeed
from handlers.statuses import OPEN_NEED_STATUSES
from handlers.types import Incoming

FOLLOW_UP_WINDOW = timedelta(hours=6)
DETAIL_WINDOW = timedelta(hours=2)  # a detail typed later belongs to a need still in mind
_NOT_DETAIL = ("reject.resolved", "reject.cancel", "reject.offer", "arrived", "question")


def chased_need(msg: Incoming, draft: NeedDraft, ctx: Context) -> StoredNeed | None:
    """The sender's newest open need in this group chat when `draft` repeats or chases it.

    Like a question answered in the group (answers.py), only a group is read this way: in a
    1:1 conversation every message is put to the workers, who read the whole thread."""
    if not msg.is_group:
        return None
    since = msg.received_at - FOLLOW_UP_WINDOW
    for need in ctx.needs.recent_needs(msg.chat_id, since):
        if need.sender_id == msg.sender_id:
            chased = need.status in OPEN_NEED_STATUSES and same_need(need.draft, draft)
            return need if chased else None
    return None


def same_need(first: NeedDraft, again: NeedDraft) -> bool:
    """Is `again` the same household's `first` need asked again?

    Worse news (urgent now, not before) is a need of its own; so is anything after a question
    (a 咨询 answered or not, then a request) and a second report (two broken things are two
    reports). A bare call for help (求助) chases whatever is open; otherwise the same category
    is the same need. A question asked again in other words ('快递能进来吗', then '快递到底能不能
    拿到啊') is the same question."""
    if again.urgent and not first.urgent:
        return False
    if first.category == "咨询":
        return again.category == "咨询" and asked_again(first.text, again.text)
    if again.category == "求助" or _same_item(first.item, again.item):
        return True  # '药能到不' after '降压药就剩两片了，能不能帮忙去医院开一下'
    return again.category == first.category and first.category != "其他"


def _same_item(first: str | None, again: str | None) -> bool:
    """Both name one thing ('药' is '降压药')."""
    return bool(first and again and (first in again or again in first))


def detail_for_need(msg: Incoming, ctx: Context) -> NeedDraft | None:
    """'药名叫硝苯地平控释片' after the sender's own '谁能帮忙去药店开药': no need by itself, but
    what the worker needs to do it. A detail (a drug's name, a dose, where to leave it)
    from the sender of an open need in this group adds to that need; anything else is chatter."""
    if not msg.is_group or not _is_detail(msg.text):
        return None
    since = msg.received_at - DETAIL_WINDOW
    for need in ctx.needs.recent_needs(msg.chat_id, since):
        if need.sender_id == msg.sender_id:
            if need.status not in OPEN_NEED_STATUSES:
                return None
            category = need.draft.category
            return NeedDraft(clean(msg.text), category, urgent=False, adds_to=need.id)
    return None


def _is_detail(text: str) -> bool:
    """Names what is needed, how much or where to leave it, and is no question, thanks,
    offer, withdrawal or 'solved'."""
    norm = normalise(text)
    patterns = lexicon().patterns
    named = [m[0] for m in patterns["item"].finditer(norm) if m[0] != "药"]
    if not (patterns["detail"].search(norm) or named):
        return False
    return not any(patterns[name].search(norm) for name in _NOT_DETAIL)
