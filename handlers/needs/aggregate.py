"""Needs seen together: the same item asked by many households (酒精：37户), a campaign opened
from such a group in one step (`汇总开团 酒精 12元/瓶`), and vulnerable households remembered.

`item_groups` is pure and `need_groups` reads a NeedRepo, so the worker page shows the same
groups as the `需求汇总` command. Opening a campaign goes through the campaigns API
(`parse_campaign`, `CampaignRepo.create_campaign`, `template_text`); the households are
invited where they asked, and their needs become `in_progress`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from handlers import texts
from handlers.campaign.format import products_text, template_text, when_text
from handlers.campaign.parse import ParseProblem, parse_campaign
from handlers.campaign.repo import CampaignView
from handlers.context import Context
from handlers.needs.lexicon import normalise
from handlers.needs.repo import NeedDraft, NeedRepo, StoredNeed
from handlers.routing import Command
from handlers.statuses import WAITING_NEED_STATUSES
from handlers.types import Action, Incoming, Notify, Reply

log = logging.getLogger(__name__)

# Needs still waiting for goods; `in_progress` ones already have a campaign or a worker on it.
GROUP_LINES = 10
# A need's for_whom → the household flag remembered (the worker page's flag names). 隔离 is
# left out: it ends, and a stale flag would send goods to the door for ever.
REMEMBERED_FLAGS = {
    "独居老人": "独居老人",
    "行动不便": "行动不便",
    "残疾": "残疾",
    "孕妇": "孕妇",
    "病人": "慢性病",
}
# Remember a flag only when the sender speaks of their own home, not of a neighbour or a parent
# living elsewhere ("5号楼有位独居老人", "我妈一个人住").
_OWN_HOME = re.compile(r"我家|我们家|俺家|家里|家中|本人|我自己|我一个人|我是")
_SOMEONE_ELSE = re.compile(
    r"邻居|隔壁|对门|楼上|楼下|有位|有个|有一位|有一个|朋友|同事|亲戚|帮.{0,6}问|替.{0,6}问"
    r"|我(?:妈|爸|母亲|父亲|爷爷|奶奶|外婆|外公|姥姥|姥爷|婆婆|公公)"
)
_OPEN_ARGS = re.compile(r"([^\s\d:：]+)\s*(.*)", re.S)


@dataclass(frozen=True, slots=True)
class ItemGroup:
    """Waiting needs for one item, counted by household (a household asking twice counts once)."""

    item: str
    households: int
    urgent: int
    needs: tuple[StoredNeed, ...]


def item_key(item: str) -> str:
    """酒精 and 酒 精 / 酒精。 / traditional characters group together."""
    return re.sub(r"[\s，。,.!！?？]", "", normalise(item))


def item_groups(needs: Iterable[StoredNeed], min_households: int = 1) -> list[ItemGroup]:
    """Waiting needs that name an item, grouped by it; most households first."""
    by_item: dict[str, list[StoredNeed]] = {}
    for need in needs:
        if need.status in WAITING_NEED_STATUSES and need.draft.item:
            by_item.setdefault(item_key(need.draft.item), []).append(need)
    groups = [
        ItemGroup(
            item=members[0].draft.item or key,
            households=len({n.household_key for n in members}),
            urgent=sum(n.draft.urgent for n in members),
            needs=tuple(members),
        )
        for key, members in by_item.items()
    ]
    groups = [g for g in groups if g.households >= min_households]
    return sorted(groups, key=lambda g: (-g.households, -g.urgent, g.item))


def need_groups(
    repo: NeedRepo, visible_to: str | None = None, min_households: int = 1
) -> list[ItemGroup]:
    """The groups of a community's waiting needs (the worker page and `需求汇总`)."""
    return item_groups(
        repo.list_by_status(WAITING_NEED_STATUSES, visible_to=visible_to), min_households
    )


def find_group(groups: Sequence[ItemGroup], word: str) -> ItemGroup | None:
    """The group a worker names: the same item, else the biggest group whose item contains the
    word or is contained in it (酒精 finds 酒精棉片 when nobody asked for plain 酒精)."""
    key = item_key(word)
    if not key:
        return None
    exact = [g for g in groups if item_key(g.item) == key]
    near = [g for g in groups if key in item_key(g.item) or item_key(g.item) in key]
    found = exact or near
    return found[0] if found else None


def handle_groups(msg: Incoming, cmd: Command, ctx: Context) -> list[Action]:
    """`需求汇总`: one line per item, most households first, and how to open a campaign."""
    groups = need_groups(ctx.needs, visible_to=msg.sender_id)
    if not groups:
        return [Reply(texts.NEED_GROUPS_EMPTY)]
    lines = [texts.NEED_GROUPS_HEADER]
    for g in groups[:GROUP_LINES]:
        urgent = texts.NEED_GROUP_URGENT.format(count=g.urgent) if g.urgent else ""
        lines.append(
            texts.NEED_GROUP_LINE.format(item=g.item, households=g.households, urgent=urgent)
        )
    lines.append(texts.NEED_GROUPS_HINT.format(item=groups[0].item))
    return [Reply("\n".join(lines))]


def campaign_text(item: str, rest: str) -> str:
    """The 开团 message the campaigns parser reads: title, then the product with what followed."""
    title = texts.NEED_GROUP_CAMPAIGN_TITLE.format(item=item)
    return f"开团：{title}\n商品：{item} {rest}".rstrip()


def handle_group_campaign(msg: Incoming, cmd: Command, ctx: Context) -> list[Action]:
    """`汇总开团 酒精 12元/瓶 [截单：… 取货：…]`: open a campaign for the 酒精 group, post its
    接龙, invite the households where they asked, and mark their needs in progress."""
    m = _OPEN_ARGS.fullmatch(cmd.args.strip())
    if m is None:
        return [Reply(texts.NEED_GROUP_OPEN_USAGE)]
    group = find_group(need_groups(ctx.needs, visible_to=msg.sender_id), m[1])
    if group is None:
        return [Reply(texts.NEED_GROUP_NONE.format(item=m[1]))]
    draft = parse_campaign(campaign_text(group.item, m[2]), ctx.now(), ctx.tz)
    if isinstance(draft, ParseProblem):
        return [Reply(texts.NEED_GROUP_OPEN_USAGE)]
    now = ctx.now()
    c = ctx.campaigns.create_campaign(draft, msg.chat_id, msg.channel, msg.sender_id, now)
    log.info("campaign %s opened from need group %s by %s", c.id, group.item, msg.sender_id)
    ctx.needs.start_needs([n.id for n in group.needs], msg.sender_id, f"campaign:{c.id}", now)
    invites = invitations(group, c, ctx.tz, here=msg.chat_id if msg.is_group else None)
    opened = texts.CAMPAIGN_OPENED.format(
        id=c.id,
        title=c.title,
        products=products_text(c.products),
        cutoff=when_text(c.cutoff_at, ctx.tz),
    )
    summary = texts.NEED_GROUP_OPENED.format(
        item=group.item, households=group.households, chats=len(invites)
    )
    template: Action = (
        Notify(msg.chat_id, template_text(c, ctx.tz))
        if msg.is_group
        else Reply(template_text(c, ctx.tz))
    )
    return [Reply(f"{opened}\n{summary}"), template, *invites]


def invitations(group: ItemGroup, c: CampaignView, tz: tzinfo, here: str | None) -> list[Action]:
    """One notice per chat where the item was asked: a group hears once (how many households),
    a 1:1 chat gets the 接龙 to fill in; the group the worker typed in already has it."""
    chats: dict[str, set[str]] = {}
    channels: dict[str, str] = {}
    private: set[str] = set()
    for need in group.needs:
        chats.setdefault(need.chat_id, set()).add(need.household_key)
        channels[need.chat_id] = need.channel
        if not need.is_group:
            private.add(need.chat_id)
    actions: list[Action] = []
    for chat_id, households in chats.items():
        values = {
            "item": group.item,
            "households": len(households),
            "template": template_text(c, tz),
        }
        if chat_id in private:
            template = texts.NEED_GROUP_INVITE_PRIVATE
        elif chat_id == here:
            template = texts.NEED_GROUP_INVITE_HERE
        else:
            template = texts.NEED_GROUP_INVITE_GROUP
        actions.append(Notify(chat_id, template.format(**values), channel=channels[chat_id]))
    return actions


def own_household_flag(draft: NeedDraft) -> str | None:
    """The household flag a need teaches, when it is about the sender's own home."""
    flag = REMEMBERED_FLAGS.get(draft.for_whom or "")
    if flag is None or not _OWN_HOME.search(draft.text) or _SOMEONE_ELSE.search(draft.text):
        return None
    return flag


Handler = Callable[[Incoming, NeedDraft, Context], list[Action]]


def with_flag_memory(handle: Handler) -> Handler:
    """Wrap the need handler: a need about the sender's own vulnerable household (我家老人独居)
    flags their registered household, so later needs and campaigns know it."""

    def handle_and_remember(msg: Incoming, draft: NeedDraft, ctx: Context) -> list[Action]:
        actions = handle(msg, draft, ctx)
        flag = own_household_flag(draft)
        if flag is not None and ctx.needs.flag_household(
            msg.channel, msg.sender_id, flag, msg.received_at
        ):
            log.info("household of %s flagged %s from a need", msg.sender_id, flag)
        return actions

    handle_and_remember.__name__ = getattr(handle, "__name__", "handle") + "_with_flag_memory"
    return handle_and_remember
