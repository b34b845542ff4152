"""A household's commands: 帮助, 登记, 查询, 同意@提醒 / 取消@提醒. 查询 is decided here
alone, for residents and workers alike. The words are in `handlers.household.routes`.
"""

from __future__ import annotations

import unicodedata

from handlers import texts
from handlers.campaign.residents import my_orders_text
from handlers.campaign.rules import mask_phone
from handlers.context import Context
from handlers.household.repo import Household
from handlers.jielong.entry import parse_entry
from handlers.needs.repo import StoredNeed
from handlers.routing import ARG_TRIM, Command
from handlers.types import Action, Incoming, Reply

QUERY_LIMIT = 5


def parse_household(text: str) -> Household | None:
    """`3-2-201 王 13800001234` → Household; None without an address (or with items: an order).

    Reuses the 接龙 entry parser so 登记 reads addresses exactly as chains do.
    """
    entry = parse_entry(text, ())
    if entry.items or (entry.building is None and entry.room is None):
        return None
    return Household(entry.building, entry.unit, entry.room, entry.name, entry.phone)


def handle_help(msg: Incoming, cmd: Command, ctx: Context) -> list[Action]:
    """Usage text."""
    return [Reply(texts.HELP_TEXT)]


def handle_register(msg: Incoming, cmd: Command, ctx: Context) -> list[Action]:
    """`登记 [社区] <address> [name] [phone]`: link the sender to a household of a community."""
    names = ctx.setup.community_names()
    community, args = split_community(cmd.args, names)
    household = parse_household(args)
    if household is None:
        return [Reply(texts.REGISTER_USAGE)]
    chat = msg.chat_id if msg.is_group else ""
    if not ctx.members.register(
        msg.channel, msg.sender_id, msg.sender_name, household, chat_id=chat, community=community
    ):
        which = texts.REGISTER_WHICH_COMMUNITY.format(first=names[0], names="、".join(names))
        return [Reply(which)]
    details = _details(household, show_phone=not msg.is_group)
    return [Reply(texts.REGISTERED.format(address=household.label(), details=details))]


def split_community(args: str, names: list[str]) -> tuple[str, str]:
    """`和平里社区 3-2-201 王` → ("和平里社区", "3-2-201 王"); ("", args) when no name leads."""
    text = unicodedata.normalize("NFKC", args).strip()
    for name in sorted(names, key=len, reverse=True):
        if name and text.startswith(name):
            return name, text[len(name) :].strip(ARG_TRIM + "，,")
    return "", args


def _details(household: Household, show_phone: bool) -> str:
    """ ", 姓名 王, 电话 …" — the phone is never echoed into a group."""
    parts = []
    if household.name:
        parts.append(texts.REGISTERED_NAME.format(name=household.name))
    if household.phone and show_phone:
        parts.append(texts.REGISTERED_PHONE.format(phone=household.phone))
    return "".join(parts)


def _need_line(need: StoredNeed) -> str:
    status = texts.NEED_STATUS_LABELS.get(need.status, need.status)
    text = need.draft.text if len(need.draft.text) <= 20 else need.draft.text[:20] + "…"
    return texts.QUERY_NEED_LINE.format(
        ticket=need.id, category=need.draft.category, status=status, text=text
    )


def handle_query(msg: Incoming, cmd: Command, ctx: Context) -> list[Action]:
    """`查询`: the sender's orders in the current campaign (when any), their household and the
    status of their latest needs."""
    orders = my_orders_text(msg, ctx)
    return [Reply(orders), *_household_query(msg, ctx)] if orders else _household_query(msg, ctx)


def _household_query(msg: Incoming, ctx: Context) -> list[Action]:
    """The sender's household and the status of their latest needs."""
    household = ctx.members.household(msg.channel, msg.sender_id)
    if household is None:
        lines = [texts.QUERY_NOT_REGISTERED]
    else:
        details = _details(household, show_phone=not msg.is_group)
        if household.flags:
            details += texts.QUERY_FLAGS.format(flags="、".join(household.flags))
        if household.mention_consent:
            details += texts.QUERY_MENTION
        lines = [texts.QUERY_HOUSEHOLD.format(address=household.label(), details=details)]
    mine = [n for n in ctx.needs.list_needs() if n.sender_id == msg.sender_id]
    if not mine:
        lines.append(texts.QUERY_NO_NEEDS)
    else:
        lines.append(texts.QUERY_NEEDS_HEADER)
        lines.extend(_need_line(n) for n in mine[-QUERY_LIMIT:])
    return [Reply("\n".join(lines))]


MENTION_AGREE = ("同意@提醒",)


def handle_mention_consent(msg: Incoming, cmd: Command, ctx: Context) -> list[Action]:
    """`同意@提醒` / `取消@提醒`: may group notices about the sender's household @-mention them
    (by the household's phone)? Kept for the household registered, else the one ordered for."""
    agreed = cmd.word in MENTION_AGREE
    home = ctx.consent.set_mention_consent(msg.channel, msg.sender_id, agreed, ctx.now())
    if home is None:
        return [Reply(texts.MENTION_NO_HOUSEHOLD.format(word=cmd.word))]
    address = home.label()
    if not agreed:
        return [Reply(texts.MENTION_WITHDRAWN.format(address=address))]
    if not home.phone:
        return [Reply(texts.MENTION_AGREED_NO_PHONE.format(address=address))]
    phone = "" if msg.is_group else texts.MENTION_PHONE.format(phone=mask_phone(home.phone))
    return [Reply(texts.MENTION_AGREED.format(address=address, phone=phone))]


def register_glued(rest: str) -> bool:
    """`登记3-2-201`: no space, but only when what follows reads as an address."""
    return rest[:1].isascii() and parse_household(rest) is not None
