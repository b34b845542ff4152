"""Who a notice reaches: a community's groups, and the one rule for a notice about a resident.

Chat commands, the worker page and the scheduler all decide here; storage (`models.reach`,
`models.campaign_groups`) only reads the facts: chat registrations and order contacts.

A notice about a resident goes to that resident: 1:1 on the 公众号 inside its 48 h window (or
a 1:1 chat with no window, the simulator), else in the group the order came from (an
@-mention only where the household agreed), else to nobody but the workers' list, marked
需人工通知 — never to the chat a campaign was opened in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from handlers.community.values import (
    MANUAL_CHANNEL,
    POSTING_CHANNELS,
    ROBOT,
    ChatRegistration,
    Destination,
    GroupRef,
    GroupRow,
    NamedChat,
    OrderContact,
    ResidentFacts,
    group_key,
)

MP_WINDOW = timedelta(hours=48)  # the 公众号 customer-service window (scheduler: mp_window_hours)
WINDOWLESS_CHANNELS = frozenset({"sim"})  # 1:1 chats Linli may always write to


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


def group_of(chat: ChatRegistration) -> GroupRef:
    """A registered chat as a campaign sees it (whether Linli can post there)."""
    reachable = can_post(chat.channel, chat.has_webhook)
    return GroupRef(
        chat.channel, chat.chat_id, chat.title, reachable, chat.community_id, chat.community
    )


def groups_of(chats: Iterable[ChatRegistration]) -> list[GroupRef]:
    """The group chats among these registrations, one per chat id, in the order given."""
    return one_per_chat(group_of(c) for c in chats if c.is_group)


def group_rows(chats: Sequence[ChatRegistration]) -> list[GroupRow]:
    """A community's groups with their row ids (only the registration kept of each chat)."""
    kept = {(g.channel, g.chat_id): g for g in groups_of(chats)}
    return [
        GroupRow(c.row_id, kept[c.channel, c.chat_id])
        for c in chats
        if (c.channel, c.chat_id) in kept
    ]


def named_group(chat: NamedChat) -> GroupRef:
    """A chat a campaign names: its registered group; a chat registered only as a 1:1 is never
    posted to; a chat never registered is on `channel` (older rows, tests)."""
    groups = groups_of(chat.registrations)
    if groups:
        return groups[0]
    if chat.registrations:
        return GroupRef(chat.registrations[0].channel, chat.chat_id, chat.title, reachable=False)
    return GroupRef(chat.channel, chat.chat_id, chat.title, can_post(chat.channel, False))


def campaign_groups(chats: Iterable[NamedChat]) -> list[GroupRef]:
    """The groups a campaign posts to (reachable or not), one per chat, in the order given."""
    return one_per_chat(named_group(c) for c in chats)


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


def resident_facts(contact: OrderContact) -> ResidentFacts:
    """What `reach_resident` needs, from what storage read about one order: the household's
    公众号 members (and the sender of an order sent 1:1), the group the order came from or its
    windowless 1:1 chat, and the phone to @-mention where the household agreed."""
    chat = contact.chat
    direct = chat.chat_id == contact.sender_id
    followers = contact.followers
    if direct and contact.sender is not None:
        followers = (*followers, contact.sender)
    mention = contact.phone if contact.mention_consent else None
    groups = groups_of(chat.registrations)
    if groups:
        return ResidentFacts(followers, groups[0], None, mention)
    windowless = [r for r in chat.registrations if r.channel in WINDOWLESS_CHANNELS and direct]
    if windowless:
        return ResidentFacts(followers, None, (windowless[0].channel, chat.chat_id), mention)
    if chat.registrations or chat.chat_id in (contact.sender_id, contact.opened_by, ""):
        return ResidentFacts(followers, None, None, mention)  # a 1:1 chat, never a group
    group = GroupRef(chat.channel, chat.chat_id, reachable=can_post(chat.channel, False))
    return ResidentFacts(followers, group, None, mention)  # a group never registered


def reach_order(
    contact: OrderContact, now: datetime, window: timedelta = MP_WINDOW, *, personal: bool = True
) -> Destination:
    """Where a notice about this order goes now; 需人工通知 rows name the order."""
    dest = reach_resident(resident_facts(contact), now, window, personal=personal)
    if dest.manual:
        return Destination(MANUAL_CHANNEL, f"order:{contact.order_id}", manual=True)
    return dest
