"""Commands typed as the first word of a message: 帮助, 登记, 查询, 同意@提醒 / 取消@提醒
(and workers' words). 查询 is decided here alone, for residents and workers alike.

A small table maps each command word to its handler, who may use it and what may follow
it, so "麻烦帮忙登记两袋水饺" (a sentence order) is never mistaken for `登记`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from handlers import texts
from handlers.campaign.residents import has_orders, my_orders_text
from handlers.campaign.rules import mask_phone
from handlers.context import Context
from handlers.household.repo import Household
from handlers.jielong.entry import parse_entry
from handlers.needs.aggregate import handle_group_campaign, handle_groups
from handlers.needs.commands import handle_done, handle_list, handle_take, handle_transfer
from handlers.needs.repo import StoredNeed
from handlers.staff_only import refuse_resident
from handlers.types import Action, Incoming, Reply

_MENTION = re.compile(r"^(?:@\S+\s+)+")
_ARG_TRIM = " :：?？!！。.~～"
QUERY_LIMIT = 5


def parse_household(text: str) -> Household | None:
    """`3-2-201 王 13800001234` → Household; None without an address (or with items: an order).

    Reuses the 接龙 entry parser so 登记 reads addresses exactly as chains do.
    """
    entry = parse_entry(text, ())
    if entry.items or (entry.building is None and entry.room is None):
        return None
    return Household(entry.building, entry.unit, entry.room, entry.name, entry.phone)


@dataclass(frozen=True, slots=True)
class Command:
    """A recognised command: its word and the rest of the message."""

    word: str
    args: str


Handler = Callable[[Incoming, Command, Context], list[Action]]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """How a command word is recognised and handled."""

    handler: Handler
    follows: re.Pattern[str]  # what may come after the word (fullmatch)
    workers_only: bool = False
    only_if: Callable[[Incoming, Context], bool] | None = None  # else the word is not a command


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
            return name, text[len(name) :].strip(_ARG_TRIM + "，,")
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


ORDER_QUERY = ("查询订单", "我的订单", "查订单")  # 查询 by another name, for a sender with orders
MENTION_AGREE = ("同意@提醒",)
MENTION_WITHDRAW = ("取消@提醒", "不同意@提醒")


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


_BARE = re.compile(r"[\s?？!！。.~～]*")
_TICKET = r"\s*#?\d{1,9}\s*号?"
COMMANDS: dict[str, CommandSpec] = {
    "帮助": CommandSpec(handle_help, _BARE),
    "help": CommandSpec(handle_help, _BARE),
    "使用说明": CommandSpec(handle_help, _BARE),
    "登记": CommandSpec(handle_register, re.compile(r"(?:[\s:：].*)?", re.S)),
    "查询": CommandSpec(handle_query, _BARE),
    **{word: CommandSpec(handle_query, _BARE, only_if=has_orders) for word in ORDER_QUERY},
    **{word: CommandSpec(handle_mention_consent, _BARE) for word in MENTION_AGREE},
    **{word: CommandSpec(handle_mention_consent, _BARE) for word in MENTION_WITHDRAW},
    "接单": CommandSpec(handle_take, re.compile(_TICKET + r"\s*"), workers_only=True),
    "转": CommandSpec(
        handle_transfer, re.compile(_TICKET + r"(?:\s*给\s*|\s+)\S+\s*"), workers_only=True
    ),
    "完成": CommandSpec(handle_done, re.compile(_TICKET + r"(?:\s+.*)?", re.S), workers_only=True),
    "查看需求": CommandSpec(handle_list, _BARE, workers_only=True),
    "需求汇总": CommandSpec(handle_groups, _BARE, workers_only=True),
    "汇总开团": CommandSpec(
        handle_group_campaign, re.compile(r"(?:[\s:：].*)?", re.S), workers_only=True
    ),
}


def _command_text(text: str) -> str:
    """NFKC, no leading @mention or slash, trimmed."""
    folded = unicodedata.normalize("NFKC", text).strip()
    return _MENTION.sub("", folded).lstrip("/").strip()


_HEAD = 200
_WORDS_LONGEST_FIRST = tuple(sorted(COMMANDS, key=len, reverse=True))


def match_command(msg: Incoming, ctx: Context) -> Command | None:
    """A command when the message starts with a command word followed by what it allows."""
    if msg.kind not in ("text", "voice"):
        return None
    head = _command_text(msg.text[:_HEAD]).lower()
    words = [w for w in _WORDS_LONGEST_FIRST if head.startswith(w)]
    if not words:  # most messages: no need to normalise a long 接龙 repost whole
        return None
    text = _command_text(msg.text)
    for word in words:
        rest, spec = text[len(word) :], COMMANDS[word]
        if not (spec.follows.fullmatch(rest) or _register_glued(word, rest)):
            continue
        if spec.only_if is None or spec.only_if(msg, ctx):
            return Command(word=word, args=rest.strip(_ARG_TRIM))
    return None


def _register_glued(word: str, rest: str) -> bool:
    """`登记3-2-201`: no space, but only when what follows reads as an address."""
    return word == "登记" and rest[:1].isascii() and parse_household(rest) is not None


def handle_command(msg: Incoming, cmd: Command, ctx: Context) -> list[Action]:
    """Run the command's handler; a resident sending a worker-only command is refused."""
    spec = COMMANDS[cmd.word]
    refusal = refuse_resident(msg, ctx, cmd.word) if spec.workers_only else None
    return [Reply(refusal)] if refusal else spec.handler(msg, cmd, ctx)
