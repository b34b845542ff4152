"""Who a notice reaches: a community's groups, and the one rule for a notice about a resident.

Chat commands, the worker page and the scheduler all decide here; storage (`models.reach`)
only gathers the facts. A notice about a resident goes to that resident: 1:1 on the 公众号
inside its 48 h window (or a 1:1 chat with no window, the simulator), else in the group the
order came from (an @-mention only where the household agreed), else to nobody but the
workers' list, marked 需人工通知 — never to the chat a campaign was opened in.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

WECHAT_GROUP = "wechat"  # an ordinary WeChat group: no robot or relay, so Linli cannot post there
POSTING_CHANNELS = frozenset({"bridge", "sim"})  # a relay polls; the simulator shows it
ROBOT = "wecom_robot"  # reachable while its robot's webhook is known
MANUAL_CHANNEL = "manual"  # an outbox row no sender claims: a worker must reach the household


def can_post(channel: str, has_webhook: bool) -> bool:
    """True when Linli can post to a group registered on this channel."""
    return channel in POSTING_CHANNELS or (channel == ROBOT and has_webhook)


@dataclass(frozen=True, slots=True)
class GroupRef:
    """A group chat as a campaign sees it: where it is, what it is called, whether Linli can
    post there, and the community it belongs to (None: waiting for `本群属于`)."""

    channel: str
    chat_id: str
    title: str = ""
    reachable: bool = True
    community_id: int | None = None
    community: str = ""

    @property
    def label(self) -> str:
        """The name workers know the group by."""
        return self.title or self.chat_id


def one_per_chat(groups: Iterable[GroupRef]) -> list[GroupRef]:
    """One registration per chat id (a group on a relay and a robot is one group): the first
    reachable one, else the first; in the order given."""
    chosen: dict[str, GroupRef] = {}
    for g in groups:
        held = chosen.get(g.chat_id)
        if held is None or (g.reachable and not held.reachable):
            chosen[g.chat_id] = g
    return list(chosen.values())


def group_key(name: str) -> str:
    """A group name as compared: NFKC, no spaces, lower case."""
    return "".join(unicodedata.normalize("NFKC", name).lower().split())


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


@dataclass(frozen=True, slots=True)
class Follower:
    """A 公众号 member of the household (or the order's own 1:1 sender) and their last message."""

    open_id: str
    last_message_at: datetime | None


@dataclass(frozen=True, slots=True)
class ResidentFacts:
    """What deciding where a notice about one order goes needs to know."""

    followers: tuple[Follower, ...] = ()
    group: GroupRef | None = None  # the group the order came from
    personal_chat: tuple[str, str] | None = None  # (channel, chat) of a 1:1 with no window
    mention_mobile: str | None = None  # the household's phone, when it agreed to @-mentions


@dataclass(frozen=True, slots=True)
class Destination:
    """Where to send; `personal` means 1:1, `manual` means no channel reaches the resident."""

    channel: str
    target: str
    personal: bool = False
    manual: bool = False
    mention_mobile: str | None = None


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
