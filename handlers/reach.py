"""Who a notice reaches: a community's groups, and the one rule for a notice about a resident.

Chat commands, the worker page and the scheduler all decide here; storage (`models.reach`)
only gathers the facts. A notice about a resident goes to that resident: 1:1 on the 公众号
inside its 48 h window (or a 1:1 chat with no window, the simulator), else in the group the
order came from (an @-mention only where the household agreed), else to nobody but the
workers' list, marked 需人工通知 — never to the chat a campaign was opened in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from handlers.community.values import (
    MANUAL_CHANNEL,
    POSTING_CHANNELS,
    ROBOT,
    Destination,
    GroupRef,
    ResidentFacts,
    group_key,
)


def can_post(channel: str, has_webhook: bool) -> bool:
    """True when Linli can post to a group registered on this channel."""
    return channel in POSTING_CHANNELS or (channel == ROBOT and has_webhook)


def one_per_chat(groups: Iterable[GroupRef]) -> list[GroupRef]:
    """One registration per chat id (a group on a relay and a robot is one group): the first
    reachable one, else the first; in the order given."""
    chosen: dict[str, GroupRef] = {}
    for g in groups:
        held = chosen.get(g.chat_id)
        if held is None or (g.reachable and not held.reachable):
            chosen[g.chat_id] = g
    return list(chosen.values())


def find_group(name: str, groups: Sequence[GroupRef]) -> GroupRef | None:
    """The group a worker names (`3号楼群`): its exact title or id, else the only group whose
    title contains the name."""
    key = group_key(name)
    if not key:
        return None
    exact = [g for g in groups if key in (group_key(g.title), group_key(g.chat_id))]
    if exact:
        return exact[0]
    near = [g for g in groups if g.title and key in group_key(g.title)]
    return near[0] if len(near) == 1 else None


def reach_resident(
    facts: ResidentFacts, now: datetime, window: timedelta, *, personal: bool = True
) -> Destination:
    """The one rule. `personal=False` once the 公众号 refused a 1:1 (45015/45047)."""
    if personal:
        for follower in facts.followers:
            last = follower.last_message_at
            if last is not None and last + window > now:
                return Destination("mp", follower.open_id, personal=True)
        if facts.personal_chat is not None:
            return Destination(*facts.personal_chat, personal=True)
    group = facts.group
    if group is not None and group.reachable:
        mention = facts.mention_mobile if group.channel == ROBOT else None
        return Destination(group.channel, group.chat_id, mention_mobile=mention)
    return Destination(MANUAL_CHANNEL, "", manual=True)
