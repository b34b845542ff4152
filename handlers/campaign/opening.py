"""开团, wherever it is typed (a group, the 企业微信 app 1:1, the worker page): the campaign
belongs to the worker's community and is announced to that community's groups — all of them,
or the ones named (`发到：3号楼群、5号楼群`) — each once, on the channel each group is on.
Groups Linli cannot post to are listed in the reply with the 接龙 ready to forward.

Refused with nothing stored or announced: a worker of another community, a group of no
community, a named group that is not the community's, a second campaign of the same title.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo

from handlers import texts
from handlers.campaign.format import products_text, template_text, when_text
from handlers.campaign.goal import goal_line
from handlers.campaign.parse import ParseProblem, parse_campaign
from handlers.campaign.post import group_post_key
from handlers.campaign.repo import CampaignDraft, CampaignView, OutboxNotice
from handlers.campaign.rules import squash
from handlers.community.values import GroupRef, StaffScope
from handlers.context import Context
from handlers.reach import can_post, find_group, groups_of
from handlers.statuses import ACTIVE_CAMPAIGNS

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class OpenRequest:
    """Who opens, from where; the page adds the community and the groups the worker ticked."""

    channel: str
    sender_id: str
    chat_id: str  # the chat typed in (the worker's own id when 1:1 or on the page)
    is_group: bool
    community_id: int | None = None  # chosen on the page
    chat_ids: tuple[str, ...] | None = None  # ticked on the page (None: as the text says)


@dataclass(frozen=True, slots=True)
class Opened:
    """The reply to the worker, and the campaign when one was opened."""

    reply: str
    campaign: CampaignView | None = None


def open_campaign(req: OpenRequest, text: str, ctx: Context) -> Opened:
    """Parse, check, store and announce; every refusal stores and announces nothing."""
    now = ctx.now()
    draft = parse_campaign(text, now, ctx.tz)
    if isinstance(draft, ParseProblem):
        missing = "、".join(texts.CAMPAIGN_MISSING_NAMES[m] for m in draft.missing)
        return Opened(
            texts.CAMPAIGN_OPEN_MISSING.format(missing=missing) + texts.CAMPAIGN_OPEN_USAGE
        )
    scope = ctx.community.scope(req.channel, req.sender_id, req.chat_id, req.is_group)
    decided = decide_community(req, scope)
    if isinstance(decided, str):
        return Opened(decided)
    community_id, community = decided
    everywhere = groups_of(ctx.community.group_chats())
    targets = target_groups(req, draft, community_id, community, everywhere)
    if isinstance(targets, str):
        return Opened(targets)
    same = same_title(ctx.campaigns.list_campaigns(ACTIVE_CAMPAIGNS), community_id, draft.title)
    if same is not None:
        status = texts.CAMPAIGN_STATUS.get(same.status, same.status)
        return Opened(texts.OPEN_DUPLICATE.format(title=same.title, id=same.id, status=status))
    c = ctx.campaigns.create_campaign(
        replace(draft, groups=()), req.chat_id, req.channel, req.sender_id, now, community_id
    )
    ctx.community.store_groups(c.id, targets, now)
    announce(ctx, c, targets, now)
    log.info("campaign %s opened by %s for community %s", c.id, req.sender_id, community_id)
    here = req.chat_id if req.is_group else ""
    return Opened(open_reply(c, targets, community, ctx.tz, here), c)


def decide_community(req: OpenRequest, scope: StaffScope) -> tuple[int | None, str] | str:
    """(community id, name) the campaign belongs to, or why it cannot be opened."""
    names = dict(scope.communities)
    if req.community_id is not None:  # the page offers only what the worker may choose
        return req.community_id, names.get(req.community_id, "")
    if req.is_group:
        if scope.chat_community_id is None:
            if scope.community_id is None and not names:
                return None, ""  # no community set up at all: the group alone
            mine = scope.community or next(iter(names.values()), "")
            return texts.OPEN_GROUP_UNASSIGNED.format(community=mine)
        if scope.community_id not in (None, scope.chat_community_id):
            return texts.OPEN_NOT_YOUR_GROUP.format(chat=scope.chat_community, mine=scope.community)
        return scope.chat_community_id, scope.chat_community
    if scope.community_id is not None:
        return scope.community_id, scope.community
    if len(names) <= 1:
        return next(iter(names.items()), (None, ""))
    return texts.OPEN_WHICH_COMMUNITY.format(names="、".join(names.values()))


def target_groups(
    req: OpenRequest,
    draft: CampaignDraft,
    community_id: int | None,
    community: str,
    everywhere: Sequence[GroupRef],
) -> list[GroupRef] | str:
    """The groups to announce to: the community's (or those named / ticked), or a refusal."""
    if community_id is not None:
        pool = [g for g in everywhere if g.community_id == community_id]
    else:  # no community set up: the group it was opened in, if any
        here = [g for g in everywhere if g.chat_id == req.chat_id and g.channel == req.channel]
        fallback = GroupRef(req.channel, req.chat_id, reachable=can_post(req.channel, False))
        pool = (here or [fallback]) if req.is_group else []
    if req.chat_ids is not None and not draft.groups:  # 发到 in the text wins over the ticks
        chosen = [g for g in pool if g.chat_id in req.chat_ids]
        unknown = set(req.chat_ids) - {g.chat_id for g in chosen}
        if unknown:
            return _unknown(sorted(unknown)[0], community, pool, everywhere)
        return chosen
    if not draft.groups:
        return pool
    chosen = []
    for name in draft.groups:
        found = find_group(name, pool)
        if found is None:
            return _unknown(name, community, pool, everywhere)
        chosen.append(found)
    return list(dict.fromkeys(chosen))


def _unknown(
    name: str, community: str, pool: Sequence[GroupRef], everywhere: Sequence[GroupRef]
) -> str:
    elsewhere = find_group(name, everywhere)
    if elsewhere is not None and elsewhere.community:
        return texts.OPEN_OTHER_GROUP.format(
            name=name, other=elsewhere.community, community=community
        )
    names = "、".join(g.label for g in pool) or texts.OPEN_NO_GROUP_NAMES
    return texts.OPEN_UNKNOWN_GROUP.format(name=name, community=community, names=names)


def same_title(
    active: Sequence[CampaignView], community_id: int | None, title: str
) -> CampaignView | None:
    """An active campaign of the community with this title (a 开团 sent twice)."""
    key = squash(title)
    return next(
        (c for c in active if c.community_id == community_id and squash(c.title) == key), None
    )


def announce(ctx: Context, c: CampaignView, groups: Sequence[GroupRef], now: datetime) -> int:
    """Queue the 接龙 once per group Linli can post to; return how many were queued."""
    template = template_text(c, ctx.tz)
    notices = [
        OutboxNotice(
            g.channel,
            g.chat_id,
            template,
            group_post_key(f"announce:{c.id}", g.chat_id),
            kind="announce",
        )
        for g in groups
        if g.reachable
    ]
    return ctx.campaigns.queue_notices(notices, now)


def _why_nowhere(groups: Sequence[GroupRef], community: str) -> str:
    if groups:
        return texts.OPEN_ONLY_WECHAT
    if community:
        return texts.OPEN_NO_GROUPS.format(community=community)
    return texts.OPEN_NO_COMMUNITY


def open_reply(
    c: CampaignView, groups: Sequence[GroupRef], community: str, tz: tzinfo, here: str = ""
) -> str:
    """What happened, and only that: where the 接龙 went, what the worker must forward. In a
    group that got the 接龙 itself, the reply does not repeat it (one announcement per group)."""
    reached = [g for g in groups if g.reachable]
    unreached = [g for g in groups if not g.reachable]
    lines = [
        texts.CAMPAIGN_OPENED.format(
            id=c.id,
            title=c.title,
            products=products_text(c.products) + (f"\n{goal}" if (goal := goal_line(c)) else ""),
            cutoff=when_text(c.cutoff_at, tz),
        )
    ]
    if reached:
        names = "、".join(g.label for g in reached)
        lines.append(texts.OPEN_ANNOUNCED.format(count=len(reached), names=names))
    else:
        lines.append(texts.OPEN_ANNOUNCED_NONE.format(why=_why_nowhere(groups, community)))
    first = c.products[0]
    lines.append(texts.OPEN_DIRECT_HINT.format(example=f"{first.name}1{first.unit or '份'}"))
    names = "、".join(g.label for g in unreached)
    if unreached and any(g.chat_id == here for g in reached):
        lines.append(texts.OPEN_FORWARD_HERE.format(names=names))
    elif unreached:
        lines += [texts.OPEN_FORWARD.format(names=names), template_text(c, tz)]
    elif not reached:
        lines += [texts.OPEN_FORWARD_ANY, template_text(c, tz)]
    return "\n".join(lines)
